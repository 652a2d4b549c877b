import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { apiTokens } from '../../db/schema.js';
import type { Role } from './schemas.js';

export type TokenRow = typeof apiTokens.$inferSelect;

export function createTokensRepository(db: Database) {
  const byHash = db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, sql.placeholder('hash')))
    .prepare();
  return {
    async findByHash(hash: string): Promise<TokenRow | undefined> {
      return byHash.get({ hash });
    },
    async findMany(): Promise<TokenRow[]> {
      return db.select().from(apiTokens).orderBy(apiTokens.id).all();
    },
    async findById(id: number): Promise<TokenRow | undefined> {
      return db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
    },
    async insert(values: {
      name: string;
      role: Role;
      tokenHash: string;
      prefix: string;
      createdAt: number;
    }): Promise<TokenRow> {
      return db.insert(apiTokens).values(values).returning().get();
    },
    async touch(id: number, at: number): Promise<void> {
      db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id)).run();
    },
    async revoke(id: number, at: number): Promise<TokenRow | undefined> {
      return db.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id)).returning().get();
    },
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;
