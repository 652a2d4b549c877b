/**
 * The response cache is keyed on the validated request, not on the URL as sent: spellings of one
 * request share one entry, and other spellings are refused before the cache is asked, so nobody
 * can churn the cache by varying a URL.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor');
const article = await createPublishedArticle(services, {
  tags: ['Cache key'],
  credits: [{ role: 'source', name: 'Cache Source' }],
});
const creditId = (await api.get(`/v1/articles/${article.id}`).set('authorization', editor.header)).body.credits[0]
  .credit_id as number;

/** Reads each URL in turn; returns the x-cache header of each answer after the first. */
async function cacheOf(urls: string[]) {
  const answers = [];
  for (const url of urls) answers.push(await api.get(url));
  for (const [i, res] of answers.entries()) expect(res.status, urls[i]).toBe(200);
  expect(new Set(answers.map((r) => r.text)).size).toBe(1);
  return answers.map((r) => r.headers['x-cache'] ?? 'miss');
}

describe('the response cache key', () => {
  it('refuses every other spelling of a numeric id, and of a number in the query, storing nothing', async () => {
    expect(await cacheOf([`/v1/credits/${creditId}`, `/v1/credits/${creditId}`])).toEqual(['miss', 'hit']);
    const spellings = [
      `/v1/credits/${creditId}e0`,
      `/v1/credits/0x${creditId.toString(16)}`,
      `/v1/credits/%20${creditId}`,
      `/v1/credits/${creditId}.0`,
      `/v1/credits/0${creditId}`,
      '/v1/tags?limit=020',
      '/v1/tags?limit=2e1',
      '/v1/tags?limit=%2020',
    ];
    for (const url of spellings) {
      const res = await api.get(url);
      expect(res.status, url).toBe(400);
      expect(res.headers['x-cache'], url).toBeUndefined();
      expect(res.body.errors, url).toEqual([
        expect.objectContaining({ message: 'must be a whole number written in decimal digits, such as 20' }),
      ]);
    }
  });

  it('refuses a query parameter the route does not take, naming it and those it takes', async () => {
    expect(await cacheOf(['/v1/tags', '/v1/tags?limit=20'])).toEqual(['miss', 'hit']);
    const res = await api.get('/v1/tags?limit=20&sort=name&x=1');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'bad_request',
      detail: 'Invalid query: sort, x',
      errors: [
        { in: 'query', path: 'sort', message: 'is not a parameter of this route, which takes limit, cursor' },
        { in: 'query', path: 'x', message: 'is not a parameter of this route, which takes limit, cursor' },
      ],
    });
    const article = await api.get(`/v1/articles/${creditId}?utm_source=x`);
    expect(article.status).toBe(400);
    expect(article.body.errors).toEqual([
      { in: 'query', path: 'utm_source', message: 'is not a parameter of this route, which takes none' },
    ]);
  });

  it('keeps requests that differ after validation apart', async () => {
    expect(await cacheOf(['/v1/tags?limit=5', '/v1/tags?limit=5'])).toEqual(['miss', 'hit']);
    const other = await api.get('/v1/tags?limit=6');
    expect(other.headers['x-cache']).toBeUndefined();
  });

  it('stores nothing for a request the schema refuses', async () => {
    const bad = await api.get('/v1/articles?limit=abc&x=1');
    expect(bad.status).toBe(400);
    const again = await api.get('/v1/articles?limit=abc&x=1');
    expect(again.status).toBe(400);
    expect(again.headers['x-cache']).toBeUndefined();
  });

  it('answers 304 and the public headers from the shared entry', async () => {
    const first = await api.get(`/v1/articles/${article.slug}`);
    const hit = await api.get(`/v1/articles/${article.slug}`).set('if-none-match', String(first.headers.etag));
    expect(hit.status).toBe(304);
    expect(hit.headers['x-cache']).toBe('hit');
    expect(hit.headers.etag).toBe(first.headers.etag);
    expect(hit.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(hit.headers['surrogate-key']).toBe(first.headers['surrogate-key']);
    expect(hit.headers.vary).toBe(first.headers.vary);
  });

  it('never answers a token holder from the cache', async () => {
    await api.get('/v1/tags?limit=7');
    const res = await api.get('/v1/tags?limit=7').set('authorization', editor.header);
    expect(res.headers['x-cache']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('private, no-cache');
  });
});
