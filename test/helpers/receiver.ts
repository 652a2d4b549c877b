/**
 * A webhook receiver on 127.0.0.1 for tests: it records every call it gets and answers as the test
 * says (by default 204). Closed after the file's tests.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export interface Call {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export async function startReceiver() {
  const calls: Call[] = [];
  const answers = new Map<string, (call: Call, n: number) => Answer>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call = { path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      calls.push(call);
      const how = answers.get(call.path) ?? ((): Answer => ({ status: 204 }));
      const { status, body, headers } = how(call, calls.filter((c) => c.path === call.path).length);
      response.writeHead(status, headers);
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    port,
    /** A URL on this receiver; give each webhook its own path to tell their calls apart. */
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    calls,
    callsTo: (path: string) => calls.filter((c) => c.path === path),
    /** How to answer the n-th call (from 1) to a path; 204 otherwise. */
    on(path: string, how: (call: Call, n: number) => Answer) {
      answers.set(path, how);
    },
  };
}
