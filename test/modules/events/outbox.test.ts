/**
 * The outbox writer on both engines: an event and its deliveries land with the change or not at
 * all, each enabled webhook that wants the event gets one delivery, and ids grow in commit order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EventInput, tagEvent } from '../../../src/modules/events/catalogue.js';
import { preparedRecorder, recordEvent } from '../../../src/modules/events/outbox.js';
import { recordEvent as recordPgEvent } from '../../../src/modules/events/outbox.pg.js';
import { openTestEngine, sql, type TestEngine } from '../../helpers/engine.js';

let t: TestEngine;
beforeEach(async () => {
  t = await openTestEngine();
});
afterEach(async () => {
  await t.close();
});

/**
 * On SQLite, the store's writes record on statements prepared once (preparedRecorder), and other
 * callers build them per call (recordEvent): every case runs on both.
 */
const sqliteRecorders = {
  'built per call': () => recordEvent,
  'prepared once': () => preparedRecorder((t.engine as Extract<TestEngine['engine'], { kind: 'sqlite' }>).handle.db),
};
let recordSqlite: typeof recordEvent = recordEvent;

/** Records `e` in a transaction of its own, rolled back when `fail` is set. */
async function record(e: EventInput, fail = false): Promise<void> {
  const boom = new Error('rolled back');
  const write = async () => {
    if (t.engine.kind === 'postgres') {
      await t.engine.handle.db.transaction(async (tx) => {
        await recordPgEvent(tx, e);
        if (fail) throw boom;
      });
    } else {
      t.engine.handle.db.transaction((tx) => {
        recordSqlite(tx, e);
        if (fail) throw boom;
      });
    }
  };
  if (fail) await expect(write()).rejects.toBe(boom);
  else await write();
}

async function addWebhook(events: string[], enabled = true): Promise<number> {
  const [row] = await t.probe.rows<{ id: number }>(sql`
    INSERT INTO webhooks (url, events, secret, enabled, created_at, updated_at)
    VALUES ('https://example.com/hook', ${JSON.stringify(events)}, 'whsec_x', ${t.engine.kind === 'postgres' ? sql`${enabled}` : sql`${enabled ? 1 : 0}`}, 0, 0)
    RETURNING id`);
  return Number(row?.id);
}

describe.each(Object.entries(sqliteRecorders))('the outbox (on SQLite, statements %s)', (_, recorder) => {
  beforeEach(() => {
    if (t.engine.kind === 'sqlite') recordSqlite = recorder();
  });

  it('appends the event with its feed entry, and a delivery for each enabled webhook that wants it', async () => {
    const all = await addWebhook(['*']);
    const tags = await addWebhook(['tag.*']);
    const exact = await addWebhook(['tag.unpublished']);
    await addWebhook(['comment.*', 'article.published']);
    await addWebhook(['*'], false);
    const before = await t.probe.rows<{ n: number }>(sql`SELECT count(*) AS n FROM events`);

    await record(tagEvent('tag.unpublished', { id: 7, slug: 'energie' }, 1_000));

    const rows = await t.probe.rows(
      sql`SELECT type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at FROM events ORDER BY id DESC LIMIT 1`,
    );
    expect(rows).toEqual([
      {
        type: 'tag.unpublished',
        entity: 'tag',
        entity_id: '7',
        slug: 'energie',
        feed: 'delete',
        data: '{"id":7,"slug":"energie"}',
        surrogate_keys: '["tags","tag:energie","articles"]',
        occurred_at: 1_000,
      },
    ]);
    const deliveries = await t.probe.rows<{ webhook_id: number; status: string; next_attempt_at: number }>(
      sql`SELECT webhook_id, status, attempts, next_attempt_at FROM webhook_deliveries ORDER BY webhook_id`,
    );
    expect(deliveries).toEqual(
      [all, tags, exact].map((id) => ({ webhook_id: id, status: 'pending', attempts: 0, next_attempt_at: 1_000 })),
    );
    const after = await t.probe.rows<{ n: number }>(sql`SELECT count(*) AS n FROM events`);
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n) + 1);
  });

  it("takes an event's own feed entry over its type's", async () => {
    const feedOf = async () =>
      (await t.probe.rows<{ feed: string | null }>(sql`SELECT feed FROM events ORDER BY id DESC LIMIT 1`))[0]?.feed;
    const updated = tagEvent('tag.updated', { id: 9, slug: 'hav', name: 'Hav' }, 3_000);
    await record(updated);
    expect(await feedOf()).toBeNull();
    await record({ ...updated, feed: 'upsert' });
    expect(await feedOf()).toBe('upsert');
    await record({ ...tagEvent('tag.published', { id: 9, slug: 'hav', name: 'Hav' }, 3_000), feed: null });
    expect(await feedOf()).toBeNull();
  });

  it('leaves nothing behind when the transaction rolls back', async () => {
    await addWebhook(['*']);
    const before = await t.probe.rows(sql`SELECT count(*) AS n FROM events`);
    await record(tagEvent('tag.created', { id: 8, slug: 'vent', name: 'Vent' }, 2_000), true);
    expect(await t.probe.rows(sql`SELECT count(*) AS n FROM events`)).toEqual(before);
    expect(await t.probe.rows(sql`SELECT id FROM webhook_deliveries`)).toEqual([]);
  });

  it('never lets a reader see an event before one with a smaller id that commits later', async () => {
    if (t.engine.kind !== 'postgres') return; // SQLite has one writer: ids are drawn one transaction at a time
    const { db } = t.engine.handle;
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstRecorded!: () => void;
    const recorded = new Promise<void>((resolve) => {
      firstRecorded = resolve;
    });
    const first = db.transaction(async (tx) => {
      await recordPgEvent(tx, tagEvent('tag.created', { id: 1, slug: 'first', name: 'First' }, 1));
      firstRecorded();
      await firstMayCommit;
    });
    await recorded;
    const second = db.transaction(async (tx) => {
      await recordPgEvent(tx, tagEvent('tag.created', { id: 2, slug: 'second', name: 'Second' }, 2));
    });
    // A reader looks while the first is still open and the second has had time to commit, were it free to.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const seen = await t.probe.rows(sql`SELECT slug FROM events WHERE slug IN ('first', 'second') ORDER BY id`);
    releaseFirst();
    await Promise.all([first, second]);
    const final = await t.probe.rows(sql`SELECT slug FROM events WHERE slug IN ('first', 'second') ORDER BY id`);
    expect(final).toEqual([{ slug: 'first' }, { slug: 'second' }]);
    // What the reader saw is a prefix of the final order: nothing it saw can be preceded later.
    expect(seen).toEqual([]);
  });
});
