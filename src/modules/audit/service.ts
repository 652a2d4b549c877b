import { decodeCursor, toPage } from '../../shared/cursor.js';
import type { AuditRepository, AuditRow } from './repository.js';
import type { AuditEntryView, AuditPage, ListAuditQuery } from './schemas.js';

function toEntry(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    article_id: row.articleId,
    subject_type: row.subjectType,
    subject_id: row.subjectId,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

export function createAuditService({ repo }: { repo: AuditRepository }) {
  return {
    async list(query: ListAuditQuery): Promise<AuditPage> {
      const beforeId = query.cursor ? decodeCursor(query.cursor, ['id'] as const)[0] : null;
      const rows = await repo.findMany({
        limit: query.limit,
        beforeId,
        articleId: query.article_id,
        actor: query.actor,
      });
      return toPage(rows, query.limit, toEntry, (last) => [last.id]);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
