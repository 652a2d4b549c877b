/**
 * Two nodes on one database, both delivering: every event reaches the receiver exactly once
 * between them, whichever node committed it.
 */
import { describe, expect, it, vi } from 'vitest';
import type { PgEngine } from '../../../src/engine/postgres.js';
import type { SqliteEngine } from '../../../src/engine/sqlite.js';
import { tagEvent } from '../../../src/modules/events/catalogue.js';
import { recordEvent } from '../../../src/modules/events/outbox.js';
import { recordEvent as recordPgEvent } from '../../../src/modules/events/outbox.pg.js';
import { createToken } from '../../helpers/factories.js';
import { buildTwoNodes, type Node } from '../../helpers/nodes.js';
import { startReceiver } from '../../helpers/receiver.js';

const { a, b } = await buildTwoNodes({
  config: { WEBHOOKS_ALLOW_PRIVATE: true, WEBHOOKS_BACKOFF_BASE_MS: 1, WEBHOOKS_CONCURRENCY: 4 },
});
const receiver = await startReceiver();
const EVENTS = 40;

/** An event committed on `node`, announced there as its services announce their writes. */
async function record(node: Node, n: number): Promise<number> {
  const e = tagEvent('tag.created', { id: n, slug: `t-${n}`, name: `T ${n}` }, Date.now());
  const id =
    node.engine.kind === 'postgres'
      ? await (node.engine as PgEngine).handle.db.transaction((tx) => recordPgEvent(tx, e))
      : (node.engine as SqliteEngine).handle.db.transaction((tx) => recordEvent(tx, e));
  node.services.changes.emit(e.surrogateKeys);
  return id;
}

describe('two nodes delivering from one database', () => {
  it('deliver each event exactly once between them', async () => {
    const admin = await createToken(a.services, 'admin');
    const res = await a.api
      .post('/v1/webhooks')
      .set('authorization', admin.header)
      .send({ url: receiver.url('/shared'), events: ['tag.*'] });
    expect(res.status).toBe(201);

    const sequences = await Promise.all(Array.from({ length: EVENTS }, (_, n) => record(n % 2 === 0 ? a : b, n + 1)));
    await vi.waitFor(() => expect(receiver.callsTo('/shared').length).toBeGreaterThanOrEqual(EVENTS), {
      timeout: 20_000,
      interval: 50,
    });
    // Every delivery is settled once, by one attempt: a second sender would have shown as a second attempt.
    await vi.waitFor(
      async () => {
        const log = await b.api
          .get(`/v1/webhooks/${res.body.id}/deliveries?limit=100`)
          .set('authorization', admin.header);
        expect(log.body.data).toHaveLength(EVENTS);
        for (const d of log.body.data) expect(d).toMatchObject({ status: 'succeeded', attempts: 1 });
      },
      { timeout: 20_000, interval: 50 },
    );
    const ids = receiver.callsTo('/shared').map((c) => c.headers['webhook-id']);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids)).toEqual(new Set(sequences.map((s) => `evt_${s}`)));
  });
});
