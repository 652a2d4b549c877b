import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { events } from '../../db/schema.js';
import { type EventInput, feedEntryOfEvent, subscribersOf } from './catalogue.js';

type Writer = Pick<Database, 'insert' | 'run'>;

export interface RecordOptions {
  /** Deliver to this webhook alone, if enabled, whatever it subscribes to: a test ping is for one receiver. */
  only?: number;
}

/** The statements that append an event: built per call on a transaction, or prepared once on a connection. */
interface OutboxStatements {
  /** Inserts the event's row; its id. */
  insertEvent(e: EventInput): number;
  /** A pending delivery of event `id` for each enabled webhook that wants it (or for webhook `only`). */
  insertDeliveries(id: number, e: EventInput, options: RecordOptions): void;
}

const eventValues = (e: EventInput) => ({
  type: e.type,
  entity: e.entity,
  entityId: e.entityId,
  slug: e.slug,
  feed: feedEntryOfEvent(e),
  data: JSON.stringify(e.data),
  surrogateKeys: JSON.stringify(e.surrogateKeys),
  occurredAt: e.at,
});

function statementsOf(tx: Writer): OutboxStatements {
  return {
    insertEvent: (e) => tx.insert(events).values(eventValues(e)).returning({ id: events.id }).get().id,
    insertDeliveries(id, e, options) {
      const [all, entity, type] = subscribersOf(e.type);
      const wanted =
        options.only === undefined
          ? sql`EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value IN (${all}, ${entity}, ${type}))`
          : sql`w.id = ${options.only}`;
      tx.run(sql`
        INSERT INTO webhook_deliveries (webhook_id, event_id, status, attempts, next_attempt_at, created_at)
        SELECT w.id, ${id}, 'pending', 0, ${e.at}, ${e.at} FROM webhooks w
        WHERE w.enabled = 1 AND ${wanted}`);
    },
  };
}

/** statementsOf's statements, prepared once on `db`'s connection, for events that go to their subscribers. */
function preparedStatements(db: Database): OutboxStatements {
  const insertEvent = db
    .insert(events)
    .values({
      type: sql.placeholder('type'),
      entity: sql.placeholder('entity'),
      entityId: sql.placeholder('entityId'),
      slug: sql.placeholder('slug'),
      feed: sql.placeholder('feed'),
      data: sql.placeholder('data'),
      surrogateKeys: sql.placeholder('surrogateKeys'),
      occurredAt: sql.placeholder('occurredAt'),
    })
    .returning({ id: events.id })
    .prepare();
  const subscribed = db.$client.prepare(`
    INSERT INTO webhook_deliveries (webhook_id, event_id, status, attempts, next_attempt_at, created_at)
    SELECT w.id, @id, 'pending', 0, @at, @at FROM webhooks w
    WHERE w.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value IN (@all, @entity, @type))`);
  return {
    insertEvent: (e) => insertEvent.get(eventValues(e)).id,
    insertDeliveries(id, e) {
      const [all, entity, type] = subscribersOf(e.type);
      subscribed.run({ id, at: e.at, all, entity, type });
    },
  };
}

function recordWith(statements: OutboxStatements, e: EventInput, options: RecordOptions): number {
  const id = statements.insertEvent(e);
  statements.insertDeliveries(id, e, options);
  return id;
}

/**
 * Appends an event to the outbox, and a pending delivery for each enabled webhook that wants it,
 * inside the transaction of the change it announces: the event exists if and only if the change
 * committed. SQLite has one writer at a time, so ids grow in commit order. Returns the event's id.
 */
export function recordEvent(tx: Writer, e: EventInput, options: RecordOptions = {}): number {
  return recordWith(statementsOf(tx), e, options);
}

/**
 * recordEvent on statements prepared once on `db`, for the store's writes: building and preparing
 * the two statements cost a reader's comment POST more than running them. They run on the
 * connection, so inside whatever transaction (or savepoint) is open on it: the `tx` given is the
 * one open there, as with every write of one SQLite connection.
 */
export function preparedRecorder(db: Database): typeof recordEvent {
  const statements = preparedStatements(db);
  // A test ping (`only`) is rare: it builds its statements as recordEvent does.
  return (tx, e, options = {}) =>
    options.only === undefined ? recordWith(statements, e, options) : recordEvent(tx, e, options);
}
