import { beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../seeds/index.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle } from '../helpers/factories.js';

const SLUG = 'openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne';
const { api, services } = await buildTestApp();

const slugsFor = async (q: string, extra: Record<string, string> = {}) => {
  const res = await api
    .get('/v1/articles')
    .query({ q, ...extra })
    .expect(200);
  return res.body.data.map((a: { slug: string }) => a.slug);
};

describe('GET /v1/articles?q=', () => {
  beforeAll(async () => {
    await seed(services);
    await createPublishedArticle(services, {
      title: 'Hydropower in the north',
      body: 'Narvik runs on water. The <script>alert(1)</script> tag is text here.',
      tags: ['Energy'],
    });
    await createPublishedArticle(services, { title: 'A note on Norway', body: 'Norvège appears once in this body.' });
  });

  it.each(['souverainete', 'Norvège', 'norv*', 'hydroélectricité', 'SOUVERAINETÉ', '"data center"'])(
    'finds the seeded article with %s',
    async (q) => {
      expect(await slugsFor(q)).toContain(SLUG);
    },
  );

  it('ranks a title hit above a body hit', async () => {
    const slugs = await slugsFor('norvege');
    expect(slugs[0]).toBe(SLUG);
    expect(slugs).toContain('a-note-on-norway');
  });

  it('returns a highlighted, escaped snippet with each hit', async () => {
    const res = await api.get('/v1/articles').query({ q: 'script narvik' }).expect(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        slug: 'hydropower-in-the-north',
        snippet: expect.stringContaining('<mark>Narvik</mark>'),
      }),
    ]);
    expect(res.body.data[0].snippet).toContain('&lt;<mark>script</mark>&gt;');
    expect(res.body.data[0]).not.toHaveProperty('body');
  });

  it('combines with tag and lang filters', async () => {
    expect(await slugsFor('narvik', { tag: 'energy' })).toEqual(['hydropower-in-the-north']);
    expect(await slugsFor('narvik', { lang: 'fr' })).toEqual([SLUG]);
    expect(await slugsFor('narvik', { tag: 'technologie' })).toEqual([SLUG]);
  });

  it('pages through hits with the cursor', async () => {
    const first = await api.get('/v1/articles').query({ q: 'norv*', limit: 1 }).expect(200);
    expect(first.body.data).toHaveLength(1);
    const second = await api.get('/v1/articles').query({ q: 'norv*', limit: 1, cursor: first.body.meta.next_cursor });
    expect(second.status).toBe(200);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0].slug).not.toBe(first.body.data[0].slug);
  });

  it.each([
    'AND',
    'NEAR(a b)',
    '"unbalanced',
    '(((',
    'title:x OR',
    'a AND OR NOT b',
    '^*',
    "'; drop table articles; --",
    'x'.repeat(2000),
    '\u0000null byte',
    '🙂 emoji',
  ])('answers %j with a result or a 400 problem, never a 500', async (q) => {
    const res = await api.get('/v1/articles').query({ q });
    expect([200, 400]).toContain(res.status);
    if (res.status === 400) expect(res.body.errors[0].path).toBe('q');
  });

  it('answers a query with no word with a 400 problem naming q', async () => {
    const res = await api.get('/v1/articles').query({ q: '*** ()' }).expect(400);
    expect(res.body.errors).toEqual([{ in: 'query', path: 'q', message: 'must contain at least one letter or digit' }]);
  });

  it('refuses a prefix storm with a 400 problem naming q, and a page over 25 naming limit', async () => {
    const storm = await api.get('/v1/articles').query({ q: 'e* s* d* l* p* c* a* r* t* m* i* n* o* u* v* f* zyxw' });
    expect(storm.status).toBe(400);
    expect(storm.body).toEqual({
      type: '/problems/bad_request',
      title: 'Bad request',
      status: 400,
      detail: 'The prefix "e*" is too short to search',
      instance: '/v1/articles',
      code: 'bad_request',
      request_id: expect.any(String),
      errors: [{ in: 'query', path: 'q', message: '"e*": a prefix needs at least 2 letters or digits before the *' }],
    });
    const page = await api.get('/v1/articles').query({ q: 'norvège', limit: 100 }).expect(400);
    expect(page.body.errors).toEqual([
      { in: 'query', path: 'limit', message: 'must be a whole number from 1 to 25 with q' },
    ]);
    await api.get('/v1/articles').query({ limit: 100 }).expect(200);
  });

  it('never finds a draft', async () => {
    await services.articles.create(
      { title: 'Zanzibar draft', lang: 'en', body: 'zanzibar' },
      { name: 't', tokenId: null },
    );
    expect(await slugsFor('zanzibar')).toEqual([]);
  });
});
