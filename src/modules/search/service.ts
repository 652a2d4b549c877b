import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { ArticlesRepository } from '../articles/repository.js';
import type { ArticlePage } from '../articles/schemas.js';
import { toTeaser } from '../articles/service.js';
import { snippetToHtml, toFtsQuery } from './query.js';
import type { SearchRepository } from './repository.js';

export interface SearchInput {
  q: string;
  limit: number;
  cursor?: string | undefined;
  tag?: string | undefined;
  lang?: string | undefined;
}

export function createSearchService({ repo, articles }: { repo: SearchRepository; articles: ArticlesRepository }) {
  return {
    /** Published articles matching `q`, best first, each with a highlighted snippet (safe HTML). */
    async search(input: SearchInput): Promise<ArticlePage> {
      const match = toFtsQuery(input.q);
      const after = input.cursor ? decodeCursor(input.cursor, ['number', 'string'] as const) : null;
      const hits = await repo.findMatches({ match, limit: input.limit, after, tag: input.tag, lang: input.lang });
      const page = hits.slice(0, input.limit);
      const tags = await articles.tagsFor(page.map((h) => h.article.id));
      const last = page.at(-1);
      return {
        data: page.map((hit) => ({
          ...toTeaser(hit.article, tags.get(hit.article.id) ?? []),
          snippet: snippetToHtml(hit.snippet),
        })),
        meta: { next_cursor: hits.length > input.limit && last ? encodeCursor([last.score, last.article.id]) : null },
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
