import { asc, count, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { articleTags, tags } from '../../db/schema.js';

export type TagRow = typeof tags.$inferSelect & { articleCount: number };

export function createTagsRepository(db: Database) {
  // article_tags holds only published articles' links, so counting them counts published articles.
  const articleCount = sql<number>`(select ${count()} from ${articleTags} where ${articleTags.tagId} = ${tags.id})`.as(
    'article_count',
  );
  return {
    async findMany({ limit, afterSlug }: { limit: number; afterSlug: string | null }): Promise<TagRow[]> {
      return db
        .select({ ...tagColumns(), articleCount })
        .from(tags)
        .where(afterSlug === null ? undefined : gt(tags.slug, afterSlug))
        .orderBy(asc(tags.slug))
        .limit(limit + 1)
        .all();
    },
    async findBySlug(slug: string): Promise<TagRow | undefined> {
      return db
        .select({ ...tagColumns(), articleCount })
        .from(tags)
        .where(eq(tags.slug, slug))
        .get();
    },
  };
}

function tagColumns() {
  return {
    id: tags.id,
    slug: tags.slug,
    name: tags.name,
    description: tags.description,
    createdAt: tags.createdAt,
    updatedAt: tags.updatedAt,
  };
}

export type TagsRepository = ReturnType<typeof createTagsRepository>;
