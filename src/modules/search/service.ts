import { serializerCompiler } from 'fastify-type-provider-zod';
import { etagOf } from '../../http/caching.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import { type ArticlePage, ArticlePageSchema } from '../teasers/schemas.js';
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

/**
 * A page of results as sent: the JSON the route's response schema makes of it, and that body's
 * ETag. The cache keeps this, so a repeated search is answered like a stored document, without
 * serializing or hashing again.
 */
export interface SearchAnswer {
  body: string;
  etag: string;
}

/** The serializer Fastify compiles for the route's declared response (src/http/caching.ts serializerFor). */
const serializePage = serializerCompiler({ schema: ArticlePageSchema, method: 'GET', url: '/v1/articles' });

/** What an answer weighs in the cache: two bytes a UTF-16 code unit as V8 may hold its body. */
const weigh = (answer: SearchAnswer) => answer.body.length * 2;

export function createSearchService({
  runner,
  articles,
  cache = null,
}: {
  runner: SearchRunner;
  articles: TagsReader;
  /** Pages already answered, purged by writes; absent, every search runs. */
  cache?: SearchCache<SearchAnswer> | null;
}) {
  return {
    /** Published articles matching `q`, best first, each with a highlighted snippet (safe HTML), as sent. */
    async search(input: SearchInput): Promise<SearchAnswer> {
      const parsed = parseSearch(input.q);
      checkSearchLimit(input.limit);
      const after = input.cursor ? decodeCursor(input.cursor, ['number', 'id'] as const) : null;
      const run = async (): Promise<SearchAnswer> => {
        const { hits, more } = await runner.findMatches({
          parsed,
          limit: input.limit,
          after,
          tag: input.tag,
          lang: input.lang,
        });
        const tags = await articles.tagsFor(hits.map((h) => h.article.id));
        const last = hits.at(-1);
        const page: ArticlePage = {
          view: 'public',
          data: hits.map((hit) => ({
            ...toTeaser(hit.article, tags.get(hit.article.id) ?? []),
            snippet: snippetToHtml(hit.snippet),
          })),
          // As toPage gives it: the keys of the last hit shown, when another ranks after it.
          meta: { next_cursor: more && last ? encodeCursor([last.score, last.rowid]) : null },
        };
        const body = serializePage(page);
        return { body, etag: etagOf(body) };
      };
      return cache ? cache.get(searchCacheKey(parsed, input), run, weigh) : run();
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
