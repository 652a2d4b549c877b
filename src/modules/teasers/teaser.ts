import type { articles } from '../../db/schema.js';
import type { ArticleTeaser } from './schemas.js';

/** The columns a list shows of each article: the body and its HTML are most of a row's bytes. */
export const TEASER_FIELDS = [
  'id',
  'slug',
  'lang',
  'title',
  'standfirst',
  'heroImage',
  'aiGenerated',
  'commentCount',
  'publishedAt',
  'publishedUpdatedAt',
  'createdAt',
  'updatedAt',
] as const;
type TeaserField = (typeof TEASER_FIELDS)[number];

/**
 * The teaser columns of either engine's `articles` table (both schemas give the columns the same
 * names), for a `select()`.
 */
export function teaserColumnsOf<T extends Record<TeaserField, unknown>>(table: T): Pick<T, TeaserField> {
  return Object.fromEntries(TEASER_FIELDS.map((field) => [field, table[field]])) as Pick<T, TeaserField>;
}

export type TeaserRow = Pick<typeof articles.$inferSelect, TeaserField>;

export interface TagLink {
  slug: string;
  name: string;
}

/** What a page of teasers needs from the articles repository: the current tags of many articles. */
export interface TagsReader {
  tagsFor(articleIds: string[]): Promise<Map<string, TagLink[]>>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export function toTeaser(row: TeaserRow, tags: TagLink[]): ArticleTeaser {
  return {
    id: row.id,
    slug: row.slug,
    lang: row.lang,
    title: row.title ?? '',
    standfirst: row.standfirst,
    tags,
    hero_image: parseJson(row.heroImage),
    ai_generated: row.aiGenerated,
    comment_count: row.commentCount,
    published_at: iso(row.publishedAt ?? row.createdAt),
    updated_at: iso(row.publishedUpdatedAt ?? row.updatedAt),
  };
}
