import { asc, countDistinct, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { articleCredits, credits } from '../../db/schema.js';

export type CreditRow = typeof credits.$inferSelect & { articleCount: number };

export function createCreditsRepository(db: Database) {
  // article_credits holds only published articles' links.
  const articleCount =
    sql<number>`(select ${countDistinct(articleCredits.articleId)} from ${articleCredits} where ${articleCredits.creditId} = ${credits.id})`.as(
      'article_count',
    );
  const select = () => db.select({ ...creditColumns(), articleCount }).from(credits);
  return {
    async findMany({ limit, afterId }: { limit: number; afterId: number | null }): Promise<CreditRow[]> {
      return select()
        .where(afterId === null ? undefined : gt(credits.id, afterId))
        .orderBy(asc(credits.id))
        .limit(limit + 1)
        .all();
    },
    async findById(id: number): Promise<CreditRow | undefined> {
      return select().where(eq(credits.id, id)).get();
    },
  };
}

function creditColumns() {
  return {
    id: credits.id,
    name: credits.name,
    organization: credits.organization,
    url: credits.url,
    license: credits.license,
    createdAt: credits.createdAt,
    updatedAt: credits.updatedAt,
  };
}

export type CreditsRepository = ReturnType<typeof createCreditsRepository>;
