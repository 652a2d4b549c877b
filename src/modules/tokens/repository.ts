import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { withoutWaiting } from '../../db/errors.js';
import { apiTokens } from '../../db/schema.js';
import type { AppendAudit, AuditEntry } from '../audit/repository.js';
import type { Role } from './schemas.js';

export type TokenRow = typeof apiTokens.$inferSelect;
type AuditFields = Omit<AuditEntry, 'at' | 'subjectId' | 'subjectType'>;

/** What a token change writes beside the token, in its transaction; passed in by the store. */
export interface TokenWriters {
  appendAudit: AppendAudit;
}

export function createTokensRepository(db: Database, writers: TokenWriters) {
  const byHash = db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, sql.placeholder('hash')))
    .prepare();
  return {
    async findByHash(hash: string): Promise<TokenRow | undefined> {
      return byHash.get({ hash });
    },
    /** In creation order, keyset on id; returns up to limit + 1 rows. */
    async findMany({ limit, afterId }: { limit: number; afterId: number | null }): Promise<TokenRow[]> {
      return db
        .select()
        .from(apiTokens)
        .where(afterId === null ? undefined : gt(apiTokens.id, afterId))
        .orderBy(asc(apiTokens.id))
        .limit(limit + 1)
        .all();
    },
    async findById(id: number): Promise<TokenRow | undefined> {
      return db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
    },
    async insert(
      values: { name: string; role: Role; tokenHash: string; prefix: string; createdAt: number },
      audit: AuditFields,
    ): Promise<TokenRow> {
      return db.transaction((tx) => {
        const row = tx.insert(apiTokens).values(values).returning().get();
        writers.appendAudit(tx, {
          ...audit,
          at: values.createdAt,
          subjectType: 'token',
          subjectId: String(row.id),
          details: { name: row.name, role: row.role },
        });
        return row;
      });
    },
    /** Records a token's use; an UnavailableError, at once, when another connection holds the write lock. */
    async touch(id: number, at: number): Promise<void> {
      withoutWaiting(db, () => db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id)).run());
    },
    async revoke(id: number, at: number, audit: AuditFields): Promise<TokenRow | undefined> {
      return db.transaction((tx) => {
        const row = tx.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id)).returning().get();
        if (row)
          writers.appendAudit(tx, {
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

export type TokensRepository = ReturnType<typeof createTokensRepository>;
