import { describe, expect, it } from 'vitest';
import { etagOf, ifNoneMatchHits } from '../../src/http/caching.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle } from '../helpers/factories.js';

const { api, services } = await buildTestApp({ config: { CACHE_MAX_AGE_S: 30, CACHE_STALE_WHILE_REVALIDATE_S: 90 } });
const article = await createPublishedArticle(services);

describe('HTTP caching of public GETs', () => {
  it.each([`/v1/articles/${article.slug}`, '/v1/articles', '/v1/tags', '/v1/credits'])(
    '%s sends a strong ETag and the configured Cache-Control',
    async (path) => {
      const res = await api.get(path).expect(200);
      expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(res.headers.etag).toBe(etagOf(res.text));
      expect(res.headers['cache-control']).toBe('public, max-age=30, stale-while-revalidate=90');
    },
  );

  it('answers If-None-Match with the current ETag with 304 and no body', async () => {
    const first = await api.get(`/v1/articles/${article.slug}`).expect(200);
    const again = await api
      .get(`/v1/articles/${article.slug}`)
      .set('If-None-Match', String(first.headers.etag))
      .expect(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
  });

  it('sends the full body again when the client holds another version', async () => {
    const res = await api.get(`/v1/articles/${article.slug}`).set('If-None-Match', '"stale"').expect(200);
    expect(res.body.slug).toBe(article.slug);
  });

  it('matches weak and listed validators as RFC 9110 says', () => {
    expect(ifNoneMatchHits('W/"a", "b"', '"b"')).toBe(true);
    expect(ifNoneMatchHits('W/"b"', '"b"')).toBe(true);
    expect(ifNoneMatchHits('*', '"b"')).toBe(true);
    expect(ifNoneMatchHits('"a"', '"b"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"b"')).toBe(false);
  });
});
