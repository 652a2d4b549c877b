import { sql } from 'drizzle-orm';
import type { PgExecutor } from '../../db/pg/client.js';
import { type EventInput, feedEntryOfEvent, subscribersOf } from './catalogue.js';
import type { RecordOptions } from './outbox.js';

/**
 * The advisory lock every event-writing transaction takes before it draws its id, held until it
 * commits: the next writer draws only after this one is visible, so ids grow in commit order and a
 * reader that has seen event N can never later find a smaller one (the change feed's cursor relies
 * on it). Writers queue only for the last statement of their transaction.
 */
export const OUTBOX_LOCK = 0x666a6f7574; // "fjout": not the startup lock's "fjord", which a seed's writes run under

/**
 * Takes the outbox lock early, for a transaction that must decide what to announce from what other
 * event writers committed (is this tag still carried by a published article?): once granted, at
 * READ COMMITTED, the next statement sees every one of them, and the next of them will see this one.
 * Take it only after the transaction's other writes, as recordEvent does. Taking it again is free.
 */
export async function lockOutbox(tx: PgExecutor): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`);
}

/** As on SQLite (./outbox.ts): the event, and a pending delivery per enabled webhook that wants it. */
export async function recordEvent(tx: PgExecutor, e: EventInput, options: RecordOptions = {}): Promise<number> {
  await lockOutbox(tx);
  const [all, entity, type] = subscribersOf(e.type);
  const wanted =
    options.only === undefined
      ? sql`(w.events::jsonb ?| ARRAY[${all}, ${entity}, ${type}]::text[])`
      : sql`w.id = ${options.only}`;
  const result = await tx.execute<{ id: number }>(sql`
    WITH e AS (
      INSERT INTO events (type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at)
      VALUES (${e.type}, ${e.entity}, ${e.entityId}, ${e.slug}, ${feedEntryOfEvent(e)},
              ${JSON.stringify(e.data)}, ${JSON.stringify(e.surrogateKeys)}, ${e.at})
      RETURNING id
    ), d AS (
      INSERT INTO webhook_deliveries (webhook_id, event_id, status, attempts, next_attempt_at, created_at)
      SELECT w.id, e.id, 'pending', 0, ${e.at}, ${e.at} FROM webhooks w, e
      WHERE w.enabled AND ${wanted}
    )
    SELECT id FROM e`);
  return Number(result.rows[0]?.id);
}
