import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { events } from '../../db/schema.js';
import { type EventInput, feedEntryOfEvent, subscribersOf } from './catalogue.js';

type Writer = Pick<Database, 'insert' | 'run'>;

export interface RecordOptions {
  /** Deliver to this webhook alone, if enabled, whatever it subscribes to: a test ping is for one receiver. */
  only?: number;
}

/**
 * Appends an event to the outbox, and a pending delivery for each enabled webhook that wants it,
 * inside the transaction of the change it announces: the event exists if and only if the change
 * committed. SQLite has one writer at a time, so ids grow in commit order. Returns the event's id.
 */
export function recordEvent(tx: Writer, e: EventInput, options: RecordOptions = {}): number {
  const { id } = tx
    .insert(events)
    .values({
      type: e.type,
      entity: e.entity,
      entityId: e.entityId,
      slug: e.slug,
      feed: feedEntryOfEvent(e),
      data: JSON.stringify(e.data),
      surrogateKeys: JSON.stringify(e.surrogateKeys),
      occurredAt: e.at,
    })
    .returning({ id: events.id })
    .get();
  const [all, entity, type] = subscribersOf(e.type);
  const wanted =
    options.only === undefined
      ? sql`EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value IN (${all}, ${entity}, ${type}))`
      : sql`w.id = ${options.only}`;
  tx.run(sql`
    INSERT INTO webhook_deliveries (webhook_id, event_id, status, attempts, next_attempt_at, created_at)
    SELECT w.id, ${id}, 'pending', 0, ${e.at}, ${e.at} FROM webhooks w
    WHERE w.enabled = 1 AND ${wanted}`);
  return id;
}
