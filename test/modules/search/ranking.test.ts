/**
 * The order of hits and what each page holds, on the engine of the project, through the engine's
 * own search runner: a title hit first, then tags, standfirst and body; equal scores in the order
 * the articles entered the index; pages of any size give that one order; only the hits shown come
 * with a snippet, and the page says whether more follow.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/app.js';
import { defaultConfig } from '../../../src/config.js';
import { parseSearch, snippetToHtml } from '../../../src/modules/search/query.js';
import type { SearchHit, SearchQuery } from '../../../src/modules/search/repository.js';
import { openTestEngine } from '../../helpers/engine.js';
import { createPublishedArticle } from '../../helpers/factories.js';

const test = await openTestEngine();
afterAll(() => test.close());
const services = createServices(test.engine, undefined, defaultConfig());
const { search } = test.engine.work;

/** Four fields of the same length each, the word in exactly one of them (or none). */
const article = (title: string, where: 'title' | 'tags' | 'standfirst' | 'body' | 'none') => ({
  title: where === 'title' ? `${title} quartz` : `${title} granite`,
  standfirst: where === 'standfirst' ? 'Une roche quartz' : 'Une roche feldspath',
  body: where === 'body' ? 'Du quartz ici.' : 'Du basalte ici.',
  tags: [where === 'tags' ? 'Quartz' : 'Mica'],
  lang: 'fr',
});

const published: Record<string, string> = {};
for (const [name, where] of [
  ['Body first', 'body'],
  ['Standfirst', 'standfirst'],
  ['Tags', 'tags'],
  ['Title', 'title'],
  ['Body second', 'body'],
  ['Nothing', 'none'],
] as const) {
  published[name] = (await createPublishedArticle(services, article(name, where))).slug;
}

const query = (q: string, limit: number, after: SearchQuery['after'] = null): SearchQuery => ({
  parsed: parseSearch(q),
  limit,
  after,
});
const slugsOf = (hits: SearchHit[]) => hits.map((h) => h.article.slug);

describe('the order of search hits', () => {
  it('ranks a title hit, then tags, standfirst and body; equal scores in the order they were indexed', async () => {
    const { hits, more } = await search.findMatches(query('quartz', 25));
    expect(slugsOf(hits)).toEqual([
      published.Title,
      published.Tags,
      published.Standfirst,
      published['Body first'],
      published['Body second'],
    ]);
    expect(more).toBe(false);
    // The two body hits score alike: the earlier index row comes first.
    const [first, second] = hits.slice(3);
    expect(first?.score).toBe(second?.score);
    expect(first?.rowid).toBeLessThan(second?.rowid ?? 0);
  });

  it.each([1, 2, 3, 4])(
    'gives the same order a page of %i at a time, each page with its snippets only',
    async (size) => {
      const whole = (await search.findMatches(query('quartz', 25))).hits;
      const paged: SearchHit[] = [];
      let after: SearchQuery['after'] = null;
      for (;;) {
        const { hits, more } = await search.findMatches(query('quartz', size, after));
        expect(hits.length).toBe(more ? size : whole.length - paged.length);
        for (const hit of hits) expect(snippetToHtml(hit.snippet)).toMatch(/<mark>quartz<\/mark>/i);
        paged.push(...hits);
        const last = hits.at(-1);
        if (!more || !last) break;
        after = [last.score, last.rowid];
      }
      expect(paged).toEqual(whole);
    },
  );

  it('says no more follow when the page ends exactly at the last hit', async () => {
    const all = await search.findMatches(query('quartz', 5));
    expect(all.hits).toHaveLength(5);
    expect(all.more).toBe(false);
    const four = await search.findMatches(query('quartz', 4));
    expect(four.hits).toHaveLength(4);
    expect(four.more).toBe(true);
  });
});
