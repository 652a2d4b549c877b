import { NotFoundError } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { TagRow, TagsRepository } from './repository.js';
import type { ListTagsQuery, Tag, TagPage } from './schemas.js';

export function toTag(row: TagRow): Tag {
  return { slug: row.slug, name: row.name, description: row.description, article_count: row.articleCount };
}

export function createTagsService({ repo }: { repo: TagsRepository }) {
  return {
    async list(query: ListTagsQuery): Promise<TagPage> {
      const afterSlug = query.cursor ? decodeCursor(query.cursor, ['string'] as const)[0] : null;
      const rows = await repo.findMany({ limit: query.limit, afterSlug });
      const data = rows.slice(0, query.limit);
      const last = data.at(-1);
      return {
        data: data.map(toTag),
        meta: { next_cursor: rows.length > query.limit && last ? encodeCursor([last.slug]) : null },
      };
    },
    async get(slug: string): Promise<Tag> {
      const row = await repo.findBySlug(slug);
      if (!row) throw new NotFoundError(`No tag with slug "${slug}"`);
      return toTag(row);
    },
  };
}

export type TagsService = ReturnType<typeof createTagsService>;
