import { sql } from 'drizzle-orm';
import type { Probe } from '../../helpers/engine.js';

/** An outbox row as a receiver or the feed sees it, `data` parsed. */
export interface EventRow {
  type: string;
  entity: string;
  entity_id: string;
  slug: string | null;
  feed: string | null;
  data: Record<string, unknown>;
}

export async function lastEventId(probe: Probe): Promise<number> {
  const [row] = await probe.rows<{ id: number | null }>(sql`SELECT max(id) AS id FROM events`);
  return Number(row?.id ?? 0);
}

export async function eventsAfter(probe: Probe, id: number): Promise<EventRow[]> {
  const rows = await probe.rows<Omit<EventRow, 'data'> & { data: string }>(
    sql`SELECT type, entity, entity_id, slug, feed, data FROM events WHERE id > ${id} ORDER BY id`,
  );
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}

/** The events `action` appended, in order. */
export async function eventsOf(probe: Probe, action: () => Promise<unknown>): Promise<EventRow[]> {
  const mark = await lastEventId(probe);
  await action();
  return eventsAfter(probe, mark);
}
