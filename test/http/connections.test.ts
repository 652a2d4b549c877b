import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type Config, defaultConfig } from '../../src/config.js';
import { answerClientError, connectionLimits, rawProblemResponse, watchResponses } from '../../src/http/connections.js';
import { SECURITY_HEADERS } from '../../src/http/hardening.js';
import { openTestEngine } from '../helpers/engine.js';

/** A listening app; sub-second timeouts are passed as a literal Config, which the environment cannot set. */
async function listeningApp(overrides: Partial<Config>) {
  const database = await openTestEngine();
  const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0, ...overrides });
  const app = await buildApp({ config, engine: database.engine });
  await app.listen({ port: 0, host: '127.0.0.1' });
  afterAll(async () => {
    await app.close();
    await database.close();
  });
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** Everything the server sends on one connection until it closes it. */
function open(port: number) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  const opened = performance.now();
  /** Milliseconds from the connection's opening to its close by the server. */
  const closedAfter = closed.then(() => performance.now() - opened);
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed, closedAfter, connected, text: () => text };
}

function bodyOf(response: string): unknown {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
}

const timeoutProblem = {
  type: '/problems/request_timeout',
  title: 'Request timeout',
  status: 408,
  detail: 'The request was not received in time; the connection is closed',
  instance: '',
  code: 'request_timeout',
  request_id: expect.any(String),
};

describe('connectionLimits', () => {
  it('follows the configuration, and checks for late requests often enough to cut them near their time', () => {
    const limits = connectionLimits({
      HEADERS_TIMEOUT_S: 10,
      REQUEST_TIMEOUT_S: 30,
      KEEP_ALIVE_TIMEOUT_S: 5,
      MAX_CONNECTIONS: 1000,
    });
    expect(limits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      checkIntervalMs: 1_000,
      maxConnections: 1000,
    });
    expect(
      connectionLimits({ HEADERS_TIMEOUT_S: 0.2, REQUEST_TIMEOUT_S: 1, KEEP_ALIVE_TIMEOUT_S: 1, MAX_CONNECTIONS: 0 })
        .checkIntervalMs,
    ).toBe(100);
  });
});

describe('rawProblemResponse', () => {
  it('is a whole HTTP/1.1 response whose length matches its body, and closes the connection', () => {
    const raw = rawProblemResponse('request_timeout', 'Too slow: é');
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    const problem = JSON.parse(body) as { request_id: string };
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 408 Request timeout',
      'Content-Type: application/problem+json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      `X-Request-Id: ${problem.request_id}`,
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
      'Connection: close',
    ]);
    expect(problem).toEqual({ ...timeoutProblem, detail: 'Too slow: é' });
  });
});

describe('watchResponses', () => {
  it('knows a response is under way from its first header to its last byte, and not before or after', async () => {
    const responses = watchResponses();
    const seen: boolean[] = [];
    const server = createServer((request, response) => {
      seen.push(responses.underway(request.socket));
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('part');
      seen.push(responses.underway(request.socket));
      response.end('end', () => seen.push(responses.underway(request.socket)));
    });
    responses.watch(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(await res.text()).toBe('partend');
    await new Promise((resolve) => server.close(resolve));
    expect(seen).toEqual([false, true, false]);
  });
});

describe('answerClientError', () => {
  const fakeSocket = () => {
    const written: string[] = [];
    const socket = {
      destroyed: false,
      writable: true,
      end: (text: string) => written.push(text),
      destroySoon: () => written.push('<closed>'),
    };
    return { socket: socket as unknown as Socket, written };
  };
  const timeout = Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });

  it('answers with a problem and closes the socket', () => {
    const { socket, written } = fakeSocket();
    answerClientError(timeout, socket, () => false);
    expect(written).toEqual([expect.stringMatching(/^HTTP\/1\.1 408 Request timeout\r\n/), '<closed>']);
  });

  it('only closes a socket whose response is under way: a second answer would corrupt the first', () => {
    const { socket, written } = fakeSocket();
    answerClientError(timeout, socket, () => true);
    expect(written).toEqual(['<closed>']);
  });
});

describe('slow and idle clients', async () => {
  const HEADERS_MS = 500;
  const REQUEST_MS = 1000;
  const { port } = await listeningApp({
    HEADERS_TIMEOUT_S: HEADERS_MS / 1000,
    REQUEST_TIMEOUT_S: REQUEST_MS / 1000,
    KEEP_ALIVE_TIMEOUT_S: 0.5,
  });
  /**
   * Cut at its time, not long after it: Node looks for late requests only every 30 s unless told
   * otherwise, which cut a 30 s timeout at up to 60 s. Four times the time leaves room for a busy
   * machine and still fails long before Node's own 30 s check would cut it.
   */
  const expectCutNear = async (client: ReturnType<typeof open>, configuredMs: number) => {
    const after = await client.closedAfter;
    expect(after).toBeGreaterThanOrEqual(configuredMs - 50);
    expect(after).toBeLessThan(4 * configuredMs);
  };

  it('answers headers that never finish with a 408 problem and closes the connection', async () => {
    const client = open(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const response = await client.closed;
    expect(response).toMatch(/^HTTP\/1\.1 408 Request timeout\r\n/);
    expect(response).toContain('Content-Type: application/problem+json; charset=utf-8');
    expect(bodyOf(response)).toEqual(timeoutProblem);
    await expectCutNear(client, HEADERS_MS);
  }, 10_000);

  it('answers a connection that sends nothing with a 408 problem and closes it', async () => {
    const client = open(port);
    await client.connected;
    const response = await client.closed;
    expect(response).toMatch(/^HTTP\/1\.1 408 Request timeout\r\n/);
    expect(bodyOf(response)).toEqual(timeoutProblem);
    await expectCutNear(client, HEADERS_MS);
  }, 10_000);

  it('answers a body that never finishes with a 408 problem and closes the connection', async () => {
    const client = open(port);
    client.socket.write(
      'POST /v1/articles/nope/comments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"author_name":',
    );
    const response = await client.closed;
    expect(response).toMatch(/^HTTP\/1\.1 408 Request timeout\r\n/);
    expect(bodyOf(response)).toEqual(timeoutProblem);
    await expectCutNear(client, REQUEST_MS);
  }, 10_000);

  it('closes a keep-alive connection left idle after its response', async () => {
    const client = open(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const response = await client.closed;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response).not.toContain('408');
  }, 10_000);

  it('answers headers larger than Node accepts with a 431 problem', async () => {
    const client = open(port);
    client.socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const response = await client.closed;
    expect(response).toMatch(/^HTTP\/1\.1 431 Request header fields too large\r\n/);
    expect(response).toContain('\r\nx-content-type-options: nosniff\r\n');
    expect(bodyOf(response)).toMatchObject({ status: 431, code: 'headers_too_large' });
  }, 10_000);

  it('answers bytes that are not HTTP with a 400 problem', async () => {
    const client = open(port);
    client.socket.write('HELLO\r\n\r\n');
    const response = await client.closed;
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad request\r\n/);
    expect(bodyOf(response)).toMatchObject({ status: 400, code: 'bad_request' });
  }, 10_000);
});

describe('the connection cap', async () => {
  const { app, port } = await listeningApp({ HEADERS_TIMEOUT_S: 20, REQUEST_TIMEOUT_S: 20, MAX_CONNECTIONS: 3 });
  const held: Socket[] = [];
  afterAll(() => {
    for (const socket of held) socket.destroy();
  });

  const connections = () =>
    new Promise<number>((resolve, reject) => app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

  it('closes connections beyond MAX_CONNECTIONS at once, and serves again when one ends', async () => {
    for (let n = 0; n < 3; n++) {
      const client = open(port);
      await client.connected;
      held.push(client.socket);
    }
    while ((await connections()) < 3) await new Promise((resolve) => setTimeout(resolve, 10));

    const refused = open(port);
    refused.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await refused.closed).toBe('');

    held.pop()?.destroy();
    while ((await connections()) > 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const served = open(port);
    served.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(await served.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  }, 10_000);
});
