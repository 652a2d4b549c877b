import { asc, eq, gt } from 'drizzle-orm';
import type { PgDatabase } from '../../db/pg/client.js';
import { apiTokens } from '../../db/pg/schema.js';
import { withTransaction } from '../../db/pg/tx.js';
import type { appendAudit } from '../audit/repository.pg.js';
import type { TokenRow, TokensRepository } from './repository.js';

/** What a token change writes beside the token, in its transaction; passed in by the store. */
export interface PgTokenWriters {
  appendAudit: typeof appendAudit;
}

export function createPgTokensRepository(db: PgDatabase, writers: PgTokenWriters): TokensRepository {
  return {
    async findByHash(hash) {
      const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hash)).limit(1);
      return row;
    },
    async findMany({ limit, afterId }): Promise<TokenRow[]> {
      return db
        .select()
        .from(apiTokens)
        .where(afterId === null ? undefined : gt(apiTokens.id, afterId))
        .orderBy(asc(apiTokens.id))
        .limit(limit + 1);
    },
    async findById(id) {
      const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).limit(1);
      return row;
    },
    async insert(values, audit) {
      return withTransaction(db, async (tx) => {
        const [row] = await tx.insert(apiTokens).values(values).returning();
        if (!row) throw new Error('the token insert returned no row');
        await writers.appendAudit(tx, {
          ...audit,
          at: values.createdAt,
          subjectType: 'token',
          subjectId: String(row.id),
          details: { name: row.name, role: row.role },
        });
        return row;
      });
    },
    /**
     * Records a token's use, one statement outside any transaction. A row another transaction has
     * locked (its revocation, or the same token's use on another node) is skipped rather than
     * waited for: the request goes on at once, and a later one records the use.
     */
    async touch(id, at) {
      const unlocked = db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, id)).for('update', {
        skipLocked: true,
      });
      await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, unlocked));
    },
    /** Revoking twice keeps the first revocation's time and audit entry. */
    async revoke(id, at, audit) {
      return withTransaction(db, async (tx) => {
        const [current] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id)).for('update');
        if (!current || current.revokedAt !== null) return current;
        const [row] = await tx.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id)).returning();
        if (row)
          await writers.appendAudit(tx, {
            ...audit,
            at,
            subjectType: 'token',
            subjectId: String(id),
            details: { name: row.name },
          });
        return row;
      });
    },
  };
}
