import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { auditLog } from '../../db/schema.js';

/** What an editorial or administrative action appends to the audit log. */
export interface AuditEntry {
  actor: string;
  action: string;
  articleId?: string | null;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
  at: number;
}

type Writer = Pick<Database, 'insert'>;

/** The audit row an entry makes, on either engine. */
export const auditValues = (entry: AuditEntry) => ({
  at: entry.at,
  actor: entry.actor,
  action: entry.action,
  articleId: entry.articleId ?? null,
  subjectType: entry.subjectType,
  subjectId: entry.subjectId,
  details: JSON.stringify(entry.details ?? {}),
});

/**
 * Appends an entry to the audit log. Called inside the transaction of the action it records, so an
 * action and its audit row land together.
 */
export type AppendAudit = (tx: Writer, entry: AuditEntry) => void;

/**
 * The store's AppendAudit, on a statement prepared once on `db` (an editor's revision paid more to
 * build the insert than to run it). It runs on the connection, so inside whatever transaction is
 * open there: the `tx` given is that one, as with every write of one SQLite connection.
 */
export function preparedAuditor(db: Database): AppendAudit {
  const insert = db
    .insert(auditLog)
    .values({
      at: sql.placeholder('at'),
      actor: sql.placeholder('actor'),
      action: sql.placeholder('action'),
      articleId: sql.placeholder('articleId'),
      subjectType: sql.placeholder('subjectType'),
      subjectId: sql.placeholder('subjectId'),
      details: sql.placeholder('details'),
    })
    .prepare();
  return (_tx, entry) => {
    insert.run(auditValues(entry));
  };
}

export type AuditRow = typeof auditLog.$inferSelect;

export function createAuditRepository(db: Database) {
  return {
    /** Newest first, keyset on id (ids only grow); returns up to limit + 1 rows. */
    async findMany(q: {
      limit: number;
      beforeId: number | null;
      articleId?: string | undefined;
      actor?: string | undefined;
    }): Promise<AuditRow[]> {
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
        .limit(q.limit + 1)
        .all();
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
