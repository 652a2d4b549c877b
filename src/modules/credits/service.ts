import { NotFoundError } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { CreditRow, CreditsRepository } from './repository.js';
import type { Credit, CreditPage, ListCreditsQuery } from './schemas.js';

export function toCredit(row: CreditRow): Credit {
  return {
    id: row.id,
    name: row.name,
    organization: row.organization,
    url: row.url,
    license: row.license,
    article_count: row.articleCount,
  };
}

export function createCreditsService({ repo }: { repo: CreditsRepository }) {
  return {
    async list(query: ListCreditsQuery): Promise<CreditPage> {
      const afterId = query.cursor ? decodeCursor(query.cursor, ['integer'] as const)[0] : null;
      const rows = await repo.findMany({ limit: query.limit, afterId });
      const data = rows.slice(0, query.limit);
      const last = data.at(-1);
      return {
        data: data.map(toCredit),
        meta: { next_cursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null },
      };
    },
    async get(id: number): Promise<Credit> {
      const row = await repo.findById(id);
      if (!row) throw new NotFoundError(`No credit with id ${id}`);
      return toCredit(row);
    },
  };
}

export type CreditsService = ReturnType<typeof createCreditsService>;
