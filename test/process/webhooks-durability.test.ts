/**
 * A webhook event outlives a kill -9 of the server that committed it: the server is killed while
 * its receiver is down and the delivery pending, the receiver comes back, and the restarted
 * server delivers the event, signed as before.
 */
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createServices } from '../../src/app.js';
import { emptyDatabase } from '../helpers/nodes.js';
import { freePort, type ServerProcess, startServer } from '../helpers/server-process.js';

const database = await emptyDatabase();
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await Promise.all(servers.map((server) => server.exited));
  await database.drop();
});

const env = {
  ...database.env,
  WEBHOOKS_ALLOW_PRIVATE: 'true',
  WEBHOOKS_BACKOFF_BASE_MS: '100',
  // The lease of an attempt cut short by the kill is this plus a margin: keep the wait it may cause short.
  WEBHOOKS_TIMEOUT_MS: '100',
  RATE_LIMIT_MAX: '0',
};

async function start() {
  const server = startServer({ ...env, PORT: String(await freePort()) });
  servers.push(server);
  await server.ready();
  return server;
}

describe('a webhook event committed before a kill -9', () => {
  it('is delivered after the restart, once the receiver is back', async () => {
    const first = await start();
    const engine = database.open();
    const { secret } = await createServices(engine).tokens.create({ name: 'ops', role: 'admin' });
    await engine.close();
    const auth = { authorization: `Bearer ${secret}` };

    // The receiver's port is free: every attempt is refused until it listens.
    const port = await freePort();
    const created = await fetch(`${first.url}/v1/webhooks`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, events: ['*'] }),
    });
    expect(created.status).toBe(201);
    const webhook = (await created.json()) as { id: number; secret: string };
    const ping = await fetch(`${first.url}/v1/webhooks/${webhook.id}/test`, { method: 'POST', headers: auth });
    expect(ping.status).toBe(202);
    const { event_id: sequence } = (await ping.json()) as { event_id: number };
    const log = async (server: ServerProcess) => {
      const res = await fetch(`${server.url}/v1/webhooks/${webhook.id}/deliveries`, { headers: auth });
      return ((await res.json()) as { data: { status: string; attempts: number; last_status: number | null }[] }).data;
    };
    await vi.waitFor(async () => expect((await log(first))[0]?.attempts).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 50,
    });
    expect((await log(first))[0]).toMatchObject({ status: 'pending', last_status: null });

    first.child.kill('SIGKILL');
    await first.exited;

    const received: { headers: Record<string, string>; body: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        received.push({ headers: request.headers as Record<string, string>, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    try {
      const second = await start();
      // At most one lease (the timeout and a 30 s margin) if the kill cut an attempt short.
      await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 45_000, interval: 50 });
      const [call] = received as [(typeof received)[number]];
      expect(new Webhook(webhook.secret).verify(call.body, call.headers)).toMatchObject({
        id: `evt_${sequence}`,
        type: 'webhook.ping',
        sequence,
      });
      await vi.waitFor(
        async () => expect((await log(second))[0]).toMatchObject({ status: 'succeeded', last_status: 204 }),
        {
          timeout: 10_000,
          interval: 50,
        },
      );
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 120_000);
});
