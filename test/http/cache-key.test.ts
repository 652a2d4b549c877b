/**
 * The response cache is keyed on the validated request, not on the URL as sent: spellings of one
 * request share one entry, so nobody can churn the cache by varying a URL.
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
  it('is one entry for every spelling of a numeric id', async () => {
    const id = creditId;
    expect(
      await cacheOf([
        `/v1/credits/${id}`,
        `/v1/credits/${id}e0`,
        `/v1/credits/0x${id.toString(16)}`,
        `/v1/credits/%20${id}`,
        `/v1/credits/${id}.0`,
        `/v1/credits/${id}?x=1`,
        `/v1/credits/${id}?limit=5&cursor=zz`,
      ]),
    ).toEqual(['miss', 'hit', 'hit', 'hit', 'hit', 'hit', 'hit']);
  });

  it('drops unknown query keys and normalises known ones', async () => {
    expect(
      await cacheOf([
        '/v1/tags',
        '/v1/tags?limit=20',
        '/v1/tags?limit=020',
        '/v1/tags?x=1',
        '/v1/tags?limit=20&y=2&z=3',
        '/v1/tags?z=3&limit=20&y=2',
      ]),
    ).toEqual(['miss', 'hit', 'hit', 'hit', 'hit', 'hit']);
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
    const hit = await api
      .get(`/v1/articles/${article.slug}?utm_source=x`)
      .set('if-none-match', String(first.headers.etag));
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
