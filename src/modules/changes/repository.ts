import { and, asc, gt, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { events } from '../../db/schema.js';

/** One change-feed entry as stored: an outbox event that public content changed. */
export interface ChangeRow {
  id: number;
  feed: 'upsert' | 'delete';
  entity: string;
  entityId: string;
  slug: string | null;
  occurredAt: number;
}

const columns = {
  id: events.id,
  feed: events.feed,
  entity: events.entity,
  entityId: events.entityId,
  slug: events.slug,
  occurredAt: events.occurredAt,
};

export function createChangesRepository(db: Database) {
  const after = db
    .select(columns)
    .from(events)
    .where(and(isNotNull(events.feed), gt(events.id, sql.placeholder('afterId'))))
    .orderBy(asc(events.id))
    .limit(sql.placeholder('limit'))
    .prepare();
  return {
    /** The feed's entries after `afterId`, in commit order (ids grow with commits); up to limit + 1 rows. */
    async findMany(q: { afterId: number; limit: number }): Promise<ChangeRow[]> {
      return after.all({ afterId: q.afterId, limit: q.limit + 1 }) as ChangeRow[];
    },
  };
}

export type ChangesRepository = ReturnType<typeof createChangesRepository>;
