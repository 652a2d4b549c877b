/**
 * The search result cache: a repeated search is answered from memory, byte for byte what the
 * search itself answers, and no write that changes a result is ever followed by the old one. The
 * response cache is off, as on the benchmark's uncached server: every request reaches the service.
 */
import { describe, expect, it } from 'vitest';
import { createSearchCache } from '../../src/modules/search/cache.js';
import type { SearchRunner } from '../../src/modules/search/runner.js';
import { createSearchService, type SearchAnswer } from '../../src/modules/search/service.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

/** The runner of the engine, counting the searches that reach it. */
const searches: string[] = [];
const counted = (runner: SearchRunner): SearchRunner => ({
  findMatches: (query) => {
    searches.push(JSON.stringify(query.parsed));
    return runner.findMatches(query);
  },
});

const { api, services, engine } = await buildTestApp({
  config: { RESPONSE_CACHE_BYTES: 0 },
  adapt: (built, engine) => ({
    ...built,
    search: createSearchService({
      runner: counted(engine.work.search),
      articles: engine.store.articles,
      cache: createSearchCache<SearchAnswer>(engine, built.changes),
    }),
  }),
});
/** The same search without a cache: what every cached answer must equal. */
const uncached = createSearchService({ runner: engine.work.search, articles: engine.store.articles });
const editor = await createToken(services, 'editor');

const get = (query: Record<string, string | number>) => api.get('/v1/articles').query(query).expect(200);
const slugs = (res: { body: { data: { slug: string }[] } }) => res.body.data.map((a) => a.slug);

/** Searches `q` and says how many searches reached the database for it. */
async function search(query: Record<string, string | number>) {
  const before = searches.length;
  const res = await get(query);
  return { res, ran: searches.length - before };
}

describe('the search result cache', () => {
  it('answers a repeated search without searching again, with the same body, cursor included', async () => {
    for (const n of [1, 2, 3]) {
      await createPublishedArticle(services, { title: `Glaciers ${n}`, body: 'Glaciologie des fjords.' });
    }
    const first = await search({ q: 'glaciers', limit: 2 });
    expect(first.ran).toBe(1);
    expect(first.res.body.meta.next_cursor).toEqual(expect.any(String));
    const again = await search({ q: 'glaciers', limit: 2 });
    expect(again.ran).toBe(0);
    expect(again.res.text).toBe(first.res.text);
    expect(again.res.headers.etag).toBe(first.res.headers.etag);
    const direct = await uncached.search({ q: 'glaciers', limit: 2 });
    expect(again.res.text).toBe(direct.body);
    expect(again.res.headers.etag).toBe(direct.etag);
  });

  it('answers every spelling of one query from one entry, as the index folds them', async () => {
    const first = await search({ q: 'Glaciologie FJORDS', limit: 3 });
    expect(slugs(first.res)).toHaveLength(3);
    for (const q of ['glaciologie fjords', '"GLACIOLOGIE" Fjords', 'glaciologie, fjords!']) {
      const same = await search({ q, limit: 3 });
      expect(same.ran).toBe(0);
      expect(same.res.text).toBe(first.res.text);
    }
    // The order of the terms, the page, the filters and the cursor each ask another question.
    expect((await search({ q: 'fjords glaciologie', limit: 3 })).ran).toBe(1);
    expect((await search({ q: 'glaciologie fjords', limit: 2 })).ran).toBe(1);
    expect((await search({ q: 'glaciologie fjords', limit: 3, lang: 'fr' })).ran).toBe(1);
    expect((await search({ q: 'glaciologie fjords', limit: 3, tag: 'fjords' })).ran).toBe(1);
    expect((await search({ q: 'glacio*', limit: 3 })).ran).toBe(1);
  });

  it('pages through cached pages exactly as through searched ones', async () => {
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { q: 'glaciers', limit: 1, ...(cursor ? { cursor } : {}) };
      const res = await get(query);
      expect((await search(query)).res.text).toBe(res.text);
      expect(res.text).toBe((await uncached.search({ q: 'glaciers', limit: 1, ...(cursor ? { cursor } : {}) })).body);
      pages.push(...slugs(res));
      cursor = res.body.meta.next_cursor;
    } while (cursor);
    expect(pages.sort()).toEqual(['glaciers-1', 'glaciers-2', 'glaciers-3']);
  });

  it('shows an article published after a search was cached', async () => {
    expect(slugs((await search({ q: 'moraine' })).res)).toEqual([]);
    const article = await createPublishedArticle(services, { title: 'Moraine', body: 'Une moraine frontale.' });
    const after = await search({ q: 'moraine' });
    expect(after.ran).toBe(1);
    expect(slugs(after.res)).toEqual([article.slug]);
  });

  it('drops an unpublished article from a cached search', async () => {
    const article = await createPublishedArticle(services, { title: 'Sérac', body: 'Un sérac instable.' });
    await search({ q: 'serac' });
    expect(slugs((await search({ q: 'serac' })).res)).toEqual([article.slug]);
    await api.post(`/v1/articles/${article.id}/unpublish`).set('authorization', editor.header).expect(200);
    const after = await search({ q: 'serac' });
    expect(after.ran).toBe(1);
    expect(slugs(after.res)).toEqual([]);
  });

  it('shows the new text once a revision of a published article is published', async () => {
    const article = await createPublishedArticle(services, { title: 'Névé', body: 'Neige ancienne.' });
    expect(slugs((await search({ q: 'firn' })).res)).toEqual([]);
    const old = await search({ q: 'neige ancienne' });
    expect(old.res.body.data[0].snippet).toBe('<mark>Neige</mark> <mark>ancienne</mark>.');
    const revision = await api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: 1, body: 'Neige ancienne, ou firn.' })
      .expect(201);
    // A revision not yet published changes nothing a reader finds.
    expect((await search({ q: 'firn' })).res.body.data).toEqual([]);
    await api
      .post(`/v1/articles/${article.id}/publish`)
      .set('authorization', editor.header)
      .send({ revision: revision.body.revision })
      .expect(200);
    expect(slugs((await search({ q: 'firn' })).res)).toEqual([article.slug]);
    const now = await search({ q: 'neige ancienne' });
    expect(now.ran).toBe(1);
    expect(now.res.body.data[0].snippet).toBe('<mark>Neige</mark> <mark>ancienne</mark>, ou firn.');
  });

  it('shows a tag renamed after a search was cached', async () => {
    const article = await createPublishedArticle(services, { title: 'Calotte', body: 'Glace.', tags: ['Inlandsis'] });
    const before = await search({ q: 'calotte' });
    expect(before.res.body.data[0].tags).toEqual([{ slug: 'inlandsis', name: 'Inlandsis' }]);
    await api.patch('/v1/tags/inlandsis').set('authorization', editor.header).send({ name: 'Indlandsis' }).expect(200);
    const after = await search({ q: 'calotte' });
    expect(after.ran).toBe(1);
    expect(slugs(after.res)).toEqual([article.slug]);
    expect(after.res.body.data[0].tags).toEqual([{ slug: 'inlandsis', name: 'Indlandsis' }]);
  });

  it('serves what it answers to editors and readers alike, and refuses bad input before any lookup', async () => {
    const reader = await search({ q: 'glaciers', limit: 2 });
    const asEditor = await api
      .get('/v1/articles')
      .query({ q: 'glaciers', limit: 2 })
      .set('authorization', editor.header)
      .expect(200);
    expect(asEditor.text).toBe(reader.res.text);
    await api.get('/v1/articles').query({ q: 'glaciers', limit: 26 }).expect(400);
    await api.get('/v1/articles').query({ q: 'glaciers', cursor: 'not-a-cursor' }).expect(400);
  });
});
