/**
 * The worker and its queue, driven by hand (runOnce, claim): private targets refused at delivery
 * time, leases that give each attempt to one claimer, and a quiet queue left untouched. The app's
 * own worker is off here (WEBHOOKS_CONCURRENCY=0); it registers the targets, private ones included.
 */
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config.js';
import { tagEvent } from '../../../src/modules/events/catalogue.js';
import { recordEvent } from '../../../src/modules/events/outbox.js';
import { recordEvent as recordPgEvent } from '../../../src/modules/events/outbox.pg.js';
import { createDeliveryWorker, deliverySettingsFrom } from '../../../src/modules/webhooks/worker.js';
import { systemClock } from '../../../src/shared/clock.js';
import { buildTestApp } from '../../helpers/build-app.js';
import { sql } from '../../helpers/engine.js';
import { createToken } from '../../helpers/factories.js';
import { startReceiver } from '../../helpers/receiver.js';

const config = { WEBHOOKS_ALLOW_PRIVATE: true, WEBHOOKS_CONCURRENCY: 0, WEBHOOKS_BACKOFF_BASE_MS: 1 };
const { api, services, engine, probe } = await buildTestApp({ config });
const receiver = await startReceiver();
const admin = await createToken(services, 'admin', 'Root');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function worker({ allowPrivate, timeoutMs = 5_000 }: { allowPrivate: boolean; timeoutMs?: number }) {
  const settings = { ...deliverySettingsFrom(defaultConfig(config)), concurrency: 8, allowPrivate, timeoutMs };
  return createDeliveryWorker({ queue: engine.store.deliveries, clock: systemClock, settings, log: quiet });
}

async function register(url: string) {
  const res = await api
    .post('/v1/webhooks')
    .set('authorization', admin.header)
    .send({ url, events: ['tag.*'] });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

let unique = 0;
async function record(at = Date.now()): Promise<number> {
  unique += 1;
  const e = tagEvent('tag.created', { id: unique, slug: `t-${unique}`, name: `T ${unique}` }, at);
  if (engine.kind === 'postgres') return engine.handle.db.transaction((tx) => recordPgEvent(tx, e));
  return engine.handle.db.transaction((tx) => recordEvent(tx, e));
}

const logOf = (webhookId: number) =>
  probe.rows<{ status: string; attempts: number; last_error: string | null }>(
    sql`SELECT status, attempts, last_error FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY id`,
  );

/** Deletes every webhook and, with them, their deliveries: each test starts from an empty queue. */
const drain = () => probe.run(sql`DELETE FROM webhooks`);

describe('at delivery time', () => {
  it('refuses a target that is, or resolves to, a non-public address, and sends it nothing', async () => {
    await drain();
    const literal = await register(receiver.url('/literal'));
    const named = await register(`http://localhost:${receiver.port}/named`);
    const mapped = await register(`http://[::ffff:127.0.0.1]:${receiver.port}/mapped`);
    await record();

    expect(await worker({ allowPrivate: false }).runOnce()).toBe(3);
    expect(receiver.calls).toEqual([]);
    expect(await logOf(literal)).toEqual([
      { status: 'pending', attempts: 1, last_error: 'refused: 127.0.0.1 is not a public address' },
    ]);
    expect(await logOf(named)).toEqual([
      {
        status: 'pending',
        attempts: 1,
        last_error: expect.stringMatching(/^localhost resolves to (127\.0\.0\.1|::1), which is not a public address/),
      },
    ]);
    expect(await logOf(mapped)).toEqual([
      { status: 'pending', attempts: 1, last_error: 'refused: ::ffff:7f00:1 is not a public address' },
    ]);

    // The same deliveries, sent by a worker allowed to reach private addresses, arrive: the refusal was the rule.
    await probe.run(sql`UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE status = 'pending'`);
    expect(await worker({ allowPrivate: true }).runOnce()).toBe(3);
    expect(receiver.calls.map((c) => c.path).sort()).toEqual(['/literal', '/mapped', '/named']);
    for (const id of [literal, named, mapped]) expect((await logOf(id))[0]).toMatchObject({ status: 'succeeded' });
  });
});

describe('an attempt', () => {
  it('gives up on a receiver that does not answer within the timeout, and retries later', async () => {
    await drain();
    // Reads each request and never answers.
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const id = await register(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/silent`);
      await record();
      expect(await worker({ allowPrivate: true, timeoutMs: 200 }).runOnce()).toBe(1);
      expect(await logOf(id)).toEqual([{ status: 'pending', attempts: 1, last_error: 'no answer within 200 ms' }]);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('the queue', () => {
  it('has nothing due, and claims nothing, before a delivery is due', async () => {
    await drain();
    await register(receiver.url('/later'));
    const at = Date.now();
    await record(at);
    const queue = engine.store.deliveries;
    expect(await queue.hasDue(at - 1)).toBe(false);
    expect(await queue.claim(at - 1, 10, at + 60_000)).toEqual([]);
    expect(await queue.hasDue(at)).toBe(true);
  });

  it('gives each due delivery to one claimer until its lease expires', async () => {
    await drain();
    const id = await register(receiver.url('/leased'));
    const events = [await record(), await record(), await record(), await record(), await record()];
    const queue = engine.store.deliveries;
    const now = Date.now();
    const [first, second] = await Promise.all([queue.claim(now, 3, now + 1_000), queue.claim(now, 3, now + 1_000)]);
    const claimed = [...(first ?? []), ...(second ?? [])].map((d) => d.event.id).sort((a, b) => a - b);
    expect(claimed).toEqual(events);
    expect(await queue.claim(now, 10, now + 1_000)).toEqual([]);
    // Past the lease (a process that died mid-attempt), another claimer takes them again...
    const again = await queue.claim(now + 1_001, 10, now + 5_000);
    expect(again.map((d) => d.event.id)).toEqual(events);
    // ...and the first claimer's late result is not recorded over the new claim.
    const late = first?.[0];
    if (!late) throw new Error('the first claim took nothing');
    await queue.settle([
      {
        delivery: late,
        at: now,
        result: { status: 200, error: null, excerpt: '' },
        verdict: { status: 'succeeded', nextAttemptAt: null, disable: null },
        disableAfter: 50,
        streakReason: () => '',
      },
    ]);
    expect((await logOf(id)).map((d) => d.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
  });

  it('gives up a retry whose webhook was disabled while the attempt was under way', async () => {
    await drain();
    const id = await register(receiver.url('/disabled-meanwhile'));
    await record();
    const queue = engine.store.deliveries;
    const now = Date.now();
    const [claimed] = await queue.claim(now, 10, now + 60_000);
    if (!claimed) throw new Error('nothing was claimed');
    await api.patch(`/v1/webhooks/${id}`).set('authorization', admin.header).send({ enabled: false }).expect(200);
    await queue.settle([
      {
        delivery: claimed,
        at: now,
        result: { status: 500, error: null, excerpt: '' },
        verdict: { status: 'pending', nextAttemptAt: now + 1_000, disable: null },
        disableAfter: 50,
        streakReason: () => '',
      },
    ]);
    expect(await logOf(id)).toEqual([
      { status: 'failed', attempts: 1, last_error: 'given up: the webhook was disabled' },
    ]);
    expect(await queue.hasDue(now + 10_000)).toBe(false);
  });
});
