import { and, desc, eq, lt } from 'drizzle-orm';
import type { PgDatabase, PgExecutor } from '../../db/pg/client.js';
import { auditLog } from '../../db/pg/schema.js';
import { type AuditEntry, type AuditRepository, auditValues } from './repository.js';

/** Called inside the transaction of the action it records, so an action and its audit row land together. */
export async function appendAudit(tx: PgExecutor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(auditValues(entry));
}

export function createPgAuditRepository(db: PgDatabase): AuditRepository {
  return {
    async findMany(q) {
      return db
        .select()
        .from(auditLog)
        .where(
          and(
            q.beforeId === null ? undefined : lt(auditLog.id, q.beforeId),
            q.articleId === undefined ? undefined : eq(auditLog.articleId, q.articleId),
            q.actor === undefined ? undefined : eq(auditLog.actor, q.actor),
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(q.limit + 1);
    },
  };
}
