import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { ChangeRow, ChangesRepository } from './repository.js';
import type { Change, ChangePage, ListChangesQuery } from './schemas.js';

function toChange(row: ChangeRow): Change {
  return {
    sequence: row.id,
    type: row.feed,
    entity: row.entity as Change['entity'],
    id: row.entityId,
    slug: row.slug,
    at: new Date(row.occurredAt).toISOString(),
  };
}

/**
 * The public change feed: what changed in public content, in commit order, deletions included.
 * A cursor is the sequence of the last entry read, so it names the same place after a restart,
 * on every node.
 */
export function createChangesService({ repo }: { repo: ChangesRepository }) {
  return {
    async list(query: ListChangesQuery): Promise<ChangePage> {
      const afterId = query.since === undefined ? 0 : decodeCursor(query.since, ['id'] as const, 'since')[0];
      const rows = await repo.findMany({ afterId, limit: query.limit });
      const shown = rows.slice(0, query.limit);
      return {
        data: shown.map(toChange),
        meta: { next_cursor: encodeCursor([shown.at(-1)?.id ?? afterId]), has_more: rows.length > query.limit },
      };
    },
  };
}

export type ChangesService = ReturnType<typeof createChangesService>;
