import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { ArticlePage } from '../teasers/schemas.js';
import { type TagsReader, toTeaser } from '../teasers/teaser.js';
import { checkSearchLimit, parseSearch, snippetToHtml } from './query.js';
import type { SearchRunner } from './runner.js';

export interface SearchInput {
  q: string;
  limit: number;
  cursor?: string | undefined;
  tag?: string | undefined;
  lang?: string | undefined;
}

export function createSearchService({ runner, articles }: { runner: SearchRunner; articles: TagsReader }) {
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
      return run();
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
