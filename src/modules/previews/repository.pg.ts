import { and, desc, eq, lt } from 'drizzle-orm';
import { toDomainError } from '../../db/errors.js';
import type { PgDatabase } from '../../db/pg/client.js';
import { previewLinks } from '../../db/pg/schema.js';
import { withTransaction } from '../../db/pg/tx.js';
import type { appendAudit } from '../audit/repository.pg.js';
import { type PreviewsRepository, previewAudit } from './repository.js';

/** What a link change writes beside the link, in its transaction; passed in by the store. */
export interface PgPreviewWriters {
  appendAudit: typeof appendAudit;
}

export function createPgPreviewsRepository(db: PgDatabase, writers: PgPreviewWriters): PreviewsRepository {
  return {
    async insert(values) {
      try {
        return await withTransaction(db, async (tx) => {
          const [row] = await tx.insert(previewLinks).values(values).returning();
          if (!row) throw new Error('the preview link insert returned no row');
          await writers.appendAudit(tx, previewAudit(row, values.createdBy, 'preview.create', values.createdAt));
          return row;
        });
      } catch (err) {
        throw toDomainError(err, 'preview link');
      }
    },

    async findByHash(hash) {
      const [row] = await db.select().from(previewLinks).where(eq(previewLinks.tokenHash, hash)).limit(1);
      return row;
    },

    async findPage(articleId, limit, beforeId) {
      return db
        .select()
        .from(previewLinks)
        .where(
          and(eq(previewLinks.articleId, articleId), beforeId === null ? undefined : lt(previewLinks.id, beforeId)),
        )
        .orderBy(desc(previewLinks.id))
        .limit(limit + 1);
    },

    async revoke(articleId, id, at, actor) {
      return withTransaction(db, async (tx) => {
        const [current] = await tx
          .select()
          .from(previewLinks)
          .where(and(eq(previewLinks.id, id), eq(previewLinks.articleId, articleId)))
          .for('update');
        if (!current || current.revokedAt !== null) return current;
        const [row] = await tx.update(previewLinks).set({ revokedAt: at }).where(eq(previewLinks.id, id)).returning();
        if (!row) throw new Error('the preview link vanished inside its transaction');
        await writers.appendAudit(tx, previewAudit(row, actor, 'preview.revoke', at));
        return row;
      });
    },
  };
}
