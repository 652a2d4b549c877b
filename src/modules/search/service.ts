import { decodeCursor, toPage } from '../../shared/cursor.js';
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
      const hits = await runner.findMatches({ parsed, limit: input.limit, after, tag: input.tag, lang: input.lang });
      const tags = await articles.tagsFor(hits.slice(0, input.limit).map((h) => h.article.id));
      const page = toPage(
        hits,
        input.limit,
        (hit) => ({ ...toTeaser(hit.article, tags.get(hit.article.id) ?? []), snippet: snippetToHtml(hit.snippet) }),
        (last) => [last.score, last.rowid],
      );
      return { view: 'public', ...page };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
