import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { toDomainError } from '../../db/errors.js';
import { previewLinks } from '../../db/schema.js';
import type { AppendAudit, AuditEntry } from '../audit/repository.js';

export type PreviewLinkRow = typeof previewLinks.$inferSelect;

export interface NewPreviewLink {
  articleId: string;
  revision: number | null;
  /** SHA-256 of the token, hex: the token itself is never stored. */
  tokenHash: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

/** What a link change writes beside the link, in its transaction; passed in by the store. */
export interface PreviewWriters {
  appendAudit: AppendAudit;
}

/** The audit row of a link change: never the token, nor its hash. */
export function previewAudit(row: PreviewLinkRow, actor: string, action: string, at: number): AuditEntry {
  return {
    actor,
    action,
    at,
    articleId: row.articleId,
    subjectType: 'preview_link',
    subjectId: String(row.id),
    details: { revision: row.revision, expires_at: new Date(row.expiresAt).toISOString() },
  };
}

export function createPreviewsRepository(db: Database, writers: PreviewWriters) {
  return {
    /** Stores a link and its audit row together. */
    async insert(values: NewPreviewLink): Promise<PreviewLinkRow> {
      try {
        return db.transaction((tx) => {
          const row = tx.insert(previewLinks).values(values).returning().get();
          writers.appendAudit(tx, previewAudit(row, values.createdBy, 'preview.create', values.createdAt));
          return row;
        });
      } catch (err) {
        throw toDomainError(err, 'preview link');
      }
    },

    async findByHash(hash: string): Promise<PreviewLinkRow | undefined> {
      return db.select().from(previewLinks).where(eq(previewLinks.tokenHash, hash)).get();
    },

    /** An article's links, newest first, keyset on id; returns up to limit + 1 rows. */
    async findPage(articleId: string, limit: number, beforeId: number | null): Promise<PreviewLinkRow[]> {
      return db
        .select()
        .from(previewLinks)
        .where(
          and(eq(previewLinks.articleId, articleId), beforeId === null ? undefined : lt(previewLinks.id, beforeId)),
        )
        .orderBy(desc(previewLinks.id))
        .limit(limit + 1)
        .all();
    },

    /**
     * Revokes link `id` of the article: undefined when the article has no such link. Revoking again
     * keeps the first revocation's time and audit row.
     */
    async revoke(articleId: string, id: number, at: number, actor: string): Promise<PreviewLinkRow | undefined> {
      return db.transaction((tx) => {
        const current = tx
          .select()
          .from(previewLinks)
          .where(and(eq(previewLinks.id, id), eq(previewLinks.articleId, articleId)))
          .get();
        if (!current || current.revokedAt !== null) return current;
        const row = tx.update(previewLinks).set({ revokedAt: at }).where(eq(previewLinks.id, id)).returning().get();
        writers.appendAudit(tx, previewAudit(row, actor, 'preview.revoke', at));
        return row;
      });
    },
  };
}

export type PreviewsRepository = ReturnType<typeof createPreviewsRepository>;
