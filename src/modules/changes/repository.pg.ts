import { and, asc, gt, isNotNull } from 'drizzle-orm';
import type { PgDatabase } from '../../db/pg/client.js';
import { events } from '../../db/pg/schema.js';
import type { ChangeRow, ChangesRepository } from './repository.js';

/**
 * The change feed on PostgreSQL. Reading in id order is reading in commit order: every event writer
 * draws its id under the outbox lock, after the writer before it committed (events/outbox.pg.ts),
 * so once an entry is seen no smaller id can appear later, and a cursor never skips one.
 */
export function createPgChangesRepository(db: PgDatabase): ChangesRepository {
  return {
    async findMany(q) {
      const rows = await db
        .select({
          id: events.id,
          feed: events.feed,
          entity: events.entity,
          entityId: events.entityId,
          slug: events.slug,
          occurredAt: events.occurredAt,
        })
        .from(events)
        .where(and(isNotNull(events.feed), gt(events.id, q.afterId)))
        .orderBy(asc(events.id))
        .limit(q.limit + 1);
      return rows as ChangeRow[];
    },
  };
}
