import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import type { Probe } from '../../helpers/engine.js';
import { createToken } from '../../helpers/factories.js';

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

/**
 * An app on a test clock, an admin named Ada, and the helpers the event tests share: `during`
 * (the events an action appends), `idOf` (a tag's or credit's id) and `draft` (a new article).
 */
export async function eventTestbed() {
  const clock = testClock();
  const built = await buildTestApp({ clock });
  const { api, services, probe } = built;
  const admin = await createToken(services, 'admin', 'Ada');
  const as = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', admin.header);
  const during = (action: () => Promise<unknown>) => eventsOf(probe, action);
  async function idOf(table: 'tags' | 'credits', where: ReturnType<typeof sql>): Promise<number> {
    const [row] = await probe.rows<{ id: number }>(sql`SELECT id FROM ${sql.raw(table)} WHERE ${where}`);
    if (!row) throw new Error(`no row in ${table}`);
    return Number(row.id);
  }
  async function draft(title: string, extra: Record<string, unknown> = {}) {
    const res = await as(api.post('/v1/articles')).send({ title, lang: 'en', body: 'Body.', ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; slug: string };
  }
  return { ...built, clock, admin, as, during, idOf, draft };
}
