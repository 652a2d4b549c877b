/**
 * Deliveries through the app's own worker to a receiver on 127.0.0.1 (WEBHOOKS_ALLOW_PRIVATE=true):
 * signed calls any Standard Webhooks library verifies, retries until a success, the rules that
 * disable a webhook, and what the log keeps of each answer. Backoff is 1 ms at first, so retries
 * come at once.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { type EventInput, tagEvent } from '../../../src/modules/events/catalogue.js';
import { recordEvent } from '../../../src/modules/events/outbox.js';
import { recordEvent as recordPgEvent } from '../../../src/modules/events/outbox.pg.js';
import { PingEventSchema, TagEventSchema } from '../../../src/modules/webhooks/event-schemas.js';
import { buildTestApp } from '../../helpers/build-app.js';
import { sql } from '../../helpers/engine.js';
import { createToken } from '../../helpers/factories.js';
import { type Call, startReceiver } from '../../helpers/receiver.js';

const { api, services, engine, probe } = await buildTestApp({
  config: {
    WEBHOOKS_ALLOW_PRIVATE: true,
    WEBHOOKS_BACKOFF_BASE_MS: 1,
    WEBHOOKS_DISABLE_AFTER: 4,
    WEBHOOKS_TIMEOUT_MS: 5_000,
  },
});
const receiver = await startReceiver();
const admin = await createToken(services, 'admin', 'Root');
const as = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', admin.header);
const settled = { timeout: 15_000, interval: 20 };

async function register(path: string, events: string[] = ['*']) {
  const res = await as(api.post('/v1/webhooks')).send({ url: receiver.url(path), events });
  expect(res.status).toBe(201);
  return res.body as { id: number; secret: string };
}

/** Records an event as a write would, in a transaction of its own, and announces it as services do. */
async function record(e: EventInput): Promise<number> {
  let id = 0;
  if (engine.kind === 'postgres') {
    await engine.handle.db.transaction(async (tx) => {
      id = await recordPgEvent(tx, e);
    });
  } else {
    engine.handle.db.transaction((tx) => {
      id = recordEvent(tx, e);
    });
  }
  services.changes.emit(e.surrogateKeys);
  return id;
}

let unique = 0;
const tagCreated = (at = Date.now()) => {
  unique += 1;
  return tagEvent('tag.created', { id: 1000 + unique, slug: `vent-${unique}`, name: `Vent ${unique}` }, at);
};

async function deliveries(webhookId: number) {
  const res = await as(api.get(`/v1/webhooks/${webhookId}/deliveries`));
  expect(res.status).toBe(200);
  return res.body.data as ({ id: number } & Record<string, unknown>)[];
}

const headersOf = (call: Call) => call.headers as Record<string, string>;

describe('a delivery', () => {
  it('is signed so that the standardwebhooks library verifies it, and carries the event', async () => {
    const { id, secret } = await register('/signed', ['tag.*']);
    const event = tagCreated();
    const sequence = await record(event);
    await vi.waitFor(() => expect(receiver.callsTo('/signed')).toHaveLength(1), settled);
    const [call] = receiver.callsTo('/signed') as [Call];

    const verified = new Webhook(secret).verify(call.body, headersOf(call));
    // What the OpenAPI document's webhooks section promises for the family.
    expect(TagEventSchema.safeParse(verified).success).toBe(true);
    expect(verified).toEqual({
      id: `evt_${sequence}`,
      type: 'tag.created',
      occurred_at: new Date(event.at).toISOString(),
      sequence,
      data: event.data,
      surrogate_keys: event.surrogateKeys,
    });
    expect(call.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^Fjord-Webhooks\//),
      'webhook-id': `evt_${sequence}`,
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    // The same library refuses a body changed on the way, and another webhook's secret.
    expect(() => new Webhook(secret).verify(call.body.replace('Vent', 'Vend'), headersOf(call))).toThrow();
    const other = await register('/other-secret', ['comment.*']);
    expect(() => new Webhook(other.secret).verify(call.body, headersOf(call))).toThrow();

    await vi.waitFor(async () => expect((await deliveries(id))[0]?.status).toBe('succeeded'), settled);
    expect(await deliveries(id)).toEqual([
      {
        id: expect.any(Number),
        event_id: sequence,
        event_type: 'tag.created',
        status: 'succeeded',
        attempts: 1,
        last_status: 204,
        last_error: null,
        last_response: '',
        last_attempt_at: expect.any(String),
        next_attempt_at: null,
        created_at: new Date(event.at).toISOString(),
      },
    ]);
  });

  it('is retried after failures until the receiver answers 2xx, with the same id each time', async () => {
    receiver.on('/flaky', (_call, n) => (n <= 3 ? { status: 500, body: `failure ${n}` } : { status: 200, body: 'ok' }));
    const { id, secret } = await register('/flaky', ['tag.created']);
    const sequence = await record(tagCreated());
    await vi.waitFor(async () => expect((await deliveries(id))[0]?.status).toBe('succeeded'), settled);

    const calls = receiver.callsTo('/flaky');
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call.headers['webhook-id']).toBe(`evt_${sequence}`);
      expect(new Webhook(secret).verify(call.body, headersOf(call))).toMatchObject({ sequence });
    }
    expect(await deliveries(id)).toEqual([
      expect.objectContaining({ status: 'succeeded', attempts: 4, last_status: 200, last_response: 'ok' }),
    ]);
    // The failures in a row are forgotten with the success.
    expect((await as(api.get(`/v1/webhooks/${id}`))).body).toMatchObject({ enabled: true, consecutive_failures: 0 });
  });

  it('gives up once the next try would fall past the retry window after the event', async () => {
    receiver.on('/late', () => ({ status: 503 }));
    const { id } = await register('/late', ['tag.created']);
    await record(tagCreated(Date.now() - 25 * 3_600_000));
    await vi.waitFor(async () => expect((await deliveries(id))[0]?.status).toBe('failed'), settled);
    expect(await deliveries(id)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, last_status: 503, next_attempt_at: null }),
    ]);
    expect(receiver.callsTo('/late')).toHaveLength(1);
  });

  it('does not follow a redirect: the 3xx is a failed attempt and the log says so', async () => {
    receiver.on('/moved', () => ({ status: 302, headers: { location: '/elsewhere' } }));
    const { id } = await register('/moved', ['tag.created']);
    await record(tagCreated());
    await vi.waitFor(async () => expect((await deliveries(id))[0]?.attempts).toBeGreaterThanOrEqual(1), settled);
    expect((await deliveries(id))[0]).toMatchObject({
      last_status: 302,
      last_error: 'redirect to /elsewhere not followed',
    });
    expect(receiver.callsTo('/elsewhere')).toEqual([]);
    await as(api.patch(`/v1/webhooks/${id}`))
      .send({ enabled: false })
      .expect(200);
  });

  it('keeps only the first 1024 bytes of an answer', async () => {
    const long = `${'a'.repeat(1000)}${'b'.repeat(200_000)}`;
    receiver.on('/chatty', () => ({ status: 200, body: long }));
    const { id } = await register('/chatty', ['tag.created']);
    await record(tagCreated());
    await vi.waitFor(async () => expect((await deliveries(id))[0]?.status).toBe('succeeded'), settled);
    expect((await deliveries(id))[0]?.last_response).toBe(long.slice(0, 1024));
  });
});

describe('a webhook', () => {
  it('is disabled by a 410 answer, with the reason, and gets nothing more', async () => {
    receiver.on('/gone', () => ({ status: 410, body: 'unsubscribed' }));
    const { id } = await register('/gone', ['tag.*']);
    await record(tagCreated());
    await vi.waitFor(async () => expect((await as(api.get(`/v1/webhooks/${id}`))).body.enabled).toBe(false), settled);
    expect((await as(api.get(`/v1/webhooks/${id}`))).body).toMatchObject({
      enabled: false,
      disabled_reason: 'the receiver answered 410 Gone',
      disabled_at: expect.any(String),
    });
    expect(await deliveries(id)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, last_status: 410, last_response: 'unsubscribed' }),
    ]);
    const later = await record(tagCreated());
    expect(
      await probe.rows(sql`SELECT id FROM webhook_deliveries WHERE webhook_id = ${id} AND event_id = ${later}`),
    ).toEqual([]);
  });

  it('is disabled after WEBHOOKS_DISABLE_AFTER deliveries in a row given up, the last one named', async () => {
    receiver.on('/down', () => ({ status: 500, body: 'database on fire' }));
    const { id } = await register('/down', ['tag.*']);
    // Events older than the retry window: each delivery is given up after its one failed attempt.
    const longAgo = Date.now() - 25 * 3_600_000;
    for (let i = 0; i < 3; i++) await record(tagCreated(longAgo + i));
    await vi.waitFor(async () => expect(receiver.callsTo('/down')).toHaveLength(3), settled);
    await vi.waitFor(
      async () => expect((await deliveries(id)).every((d) => d.status === 'failed')).toBe(true),
      settled,
    );
    expect((await as(api.get(`/v1/webhooks/${id}`))).body).toMatchObject({ enabled: true, consecutive_failures: 3 });

    await record(tagCreated(longAgo + 3));
    await vi.waitFor(async () => expect((await as(api.get(`/v1/webhooks/${id}`))).body.enabled).toBe(false), settled);
    expect((await as(api.get(`/v1/webhooks/${id}`))).body).toMatchObject({
      enabled: false,
      disabled_reason: '4 deliveries in a row given up after their retries; last: HTTP 500',
      consecutive_failures: 4,
    });
    expect(receiver.callsTo('/down')).toHaveLength(4);
    expect(await deliveries(id)).toEqual(
      Array.from({ length: 4 }, () =>
        expect.objectContaining({
          status: 'failed',
          attempts: 1,
          last_status: 500,
          last_response: 'database on fire',
          next_attempt_at: null,
        }),
      ),
    );

    // Enabled again, it starts with a clean count.
    const on = await as(api.patch(`/v1/webhooks/${id}`)).send({ enabled: true });
    expect(on.body).toMatchObject({ enabled: true, disabled_reason: null, consecutive_failures: 0 });
  });

  it('is not disabled by the retries of a receiver that is down for a while, and delivers when it is back', async () => {
    let down = true;
    const deliveredIds: unknown[] = [];
    receiver.on('/outage', (call) => {
      if (down) return { status: 503 };
      deliveredIds.push(call.headers['webhook-id']);
      return { status: 204 };
    });
    const { id } = await register('/outage', ['tag.*']);
    const sequences: number[] = [];
    for (let i = 0; i < 3; i++) sequences.push(await record(tagCreated()));
    // Far more failed attempts than WEBHOOKS_DISABLE_AFTER (4), all of them retries still to come.
    await vi.waitFor(async () => expect(receiver.callsTo('/outage').length).toBeGreaterThanOrEqual(12), settled);
    expect((await as(api.get(`/v1/webhooks/${id}`))).body).toMatchObject({ enabled: true, consecutive_failures: 0 });
    down = false;
    await vi.waitFor(async () => expect((await deliveries(id)).every((d) => d.status === 'succeeded')).toBe(true), {
      ...settled,
      timeout: 30_000,
    });
    expect(deliveredIds.sort()).toEqual(sequences.map((s) => `evt_${s}`).sort());
  });

  it('gets a test ping, and no other webhook does', async () => {
    const a = await register('/ping-a');
    const b = await register('/ping-b');
    const ping = await as(api.post(`/v1/webhooks/${a.id}/test`));
    expect(ping.status).toBe(202);
    await vi.waitFor(() => expect(receiver.callsTo('/ping-a')).toHaveLength(1), settled);
    const [call] = receiver.callsTo('/ping-a') as [Call];
    const verified = new Webhook(a.secret).verify(call.body, headersOf(call));
    expect(PingEventSchema.safeParse(verified).success).toBe(true);
    expect(verified).toEqual({
      id: `evt_${ping.body.event_id}`,
      type: 'webhook.ping',
      occurred_at: expect.any(String),
      sequence: ping.body.event_id,
      data: { webhook_id: a.id },
      surrogate_keys: [],
    });
    // Both subscribe to everything: the next event reaches both, and B's log holds it alone.
    const sequence = await record(tagCreated());
    await vi.waitFor(() => expect(receiver.callsTo('/ping-b')).toHaveLength(1), settled);
    expect((await deliveries(b.id)).map((d) => d.event_id)).toEqual([sequence]);
    expect(receiver.callsTo('/ping-b')[0]?.headers['webhook-id']).toBe(`evt_${sequence}`);
  });

  it('replays a delivery on request, even one that succeeded', async () => {
    const { id, secret } = await register('/replay', ['tag.created']);
    const sequence = await record(tagCreated());
    await vi.waitFor(async () => expect((await deliveries(id))[0]?.status).toBe('succeeded'), settled);
    const [delivery] = await deliveries(id);
    const replay = await as(api.post(`/v1/webhooks/${id}/deliveries/${delivery?.id}/retry`));
    expect(replay.status).toBe(202);
    await vi.waitFor(() => expect(receiver.callsTo('/replay')).toHaveLength(2), settled);
    const second = receiver.callsTo('/replay')[1] as Call;
    expect(new Webhook(secret).verify(second.body, headersOf(second))).toMatchObject({ sequence });
    await vi.waitFor(
      async () => expect((await deliveries(id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 }),
      settled,
    );
  });

  it('replays at once a delivery a crashed process still holds the lease of', async () => {
    receiver.on('/held', () => ({ status: 500 }));
    const { id } = await register('/held', ['tag.created']);
    await record(tagCreated());
    await vi.waitFor(() => expect(receiver.callsTo('/held').length).toBeGreaterThan(0), settled);
    // As if a process had claimed it for the next hour, then died.
    const [delivery] = await deliveries(id);
    const hour = Date.now() + 3_600_000;
    await probe.run(
      sql`UPDATE webhook_deliveries SET lease_until = ${hour}, next_attempt_at = ${hour} WHERE id = ${delivery?.id}`,
    );
    receiver.on('/held', () => ({ status: 204 }));
    expect((await as(api.post(`/v1/webhooks/${id}/deliveries/${delivery?.id}/retry`))).status).toBe(202);
    await vi.waitFor(async () => expect((await deliveries(id))[0]?.status).toBe('succeeded'), settled);
  });
});
