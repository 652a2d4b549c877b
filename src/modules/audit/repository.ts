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

/** Called inside the transaction of the action it records, so an action and its audit row land together. */
export function appendAudit(tx: Writer, entry: AuditEntry): void {
  tx.insert(auditLog)
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      articleId: entry.articleId ?? null,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      details: JSON.stringify(entry.details ?? {}),
    })
    .run();
}
