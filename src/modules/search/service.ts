import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { ArticlePage } from '../teasers/schemas.js';
import { type TagsReader, toTeaser } from '../teasers/teaser.js';
import { type SearchCache, searchCacheKey } from './cache.js';
import { checkSearchLimit, parseSearch, snippetToHtml } from './query.js';
import type { SearchRunner } from './runner.js';

export interface SearchInput {
  q: string;
  limit: number;
  cursor?: string | undefined;
  tag?: string | undefined;
  lang?: string | undefined;
}

/** What a page weighs in the cache: its JSON, two bytes a UTF-16 code unit as V8 may hold it. */
const weigh = (page: ArticlePage) => JSON.stringify(page).length * 2;

export function createSearchService({
  runner,
  articles,
  cache = null,
}: {
  runner: SearchRunner;
  articles: TagsReader;
  /** Pages already answered, purged by writes; absent, every search runs. */
  cache?: SearchCache<ArticlePage> | null;
}) {
  return {
    /** Published articles matching `q`, best first, each with a highlighted snippet (safe HTML). */
    async search(input: SearchInput): Promise<ArticlePage> {
      const parsed = parseSearch(input.q);
      checkSearchLimit(input.limit);
      const after = input.cursor ? decodeCursor(input.cursor, ['number', 'id'] as const) : null;
      const run = async (): Promise<ArticlePage> => {
        const { hits, more } = await runner.findMatches({
          parsed,
          limit: input.limit,
          after,
          tag: input.tag,
          lang: input.lang,
        });
        const tags = await articles.tagsFor(hits.map((h) => h.article.id));
        const last = hits.at(-1);
        return {
          view: 'public',
          data: hits.map((hit) => ({
            ...toTeaser(hit.article, tags.get(hit.article.id) ?? []),
            snippet: snippetToHtml(hit.snippet),
          })),
          // As toPage gives it: the keys of the last hit shown, when another ranks after it.
          meta: { next_cursor: more && last ? encodeCursor([last.score, last.rowid]) : null },
        };
      };
      return cache ? cache.get(searchCacheKey(parsed, input), run, weigh) : run();
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
