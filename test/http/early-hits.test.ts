import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResponseCache } from '../../src/http/response-cache.js';
import { buildTestApp, testClock } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

/**
 * Cache hits answered by the first hook (src/http/early-hits.ts), before routing work, validation
 * and access control: they must be the answers the validated path gives, header for header.
 */
const clock = testClock();
const { api, services } = await buildTestApp({ clock, config: { CACHE_MAX_AGE_S: 600 } });
const editor = await createToken(services, 'editor');

/** Long enough to be sent compressed to a client that asks. */
const LONG_BODY = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} of a long enough article.`).join('\n\n');

/** A GET asking for the body as it is (supertest asks for gzip otherwise). */
const plain = (path: string) => api.get(path).set('Accept-Encoding', 'identity');

/** What must be equal between two answers: every header but the ones each answer makes afresh. */
function comparable(headers: Record<string, unknown>) {
  const fresh = new Set(['x-request-id', 'date', 'connection', 'keep-alive']);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !fresh.has(name)));
}

/** Counts the answers found by the first hook's lookup, as opposed to the validated path's. */
function earlyLookups() {
  const spy = vi.spyOn(ResponseCache.prototype, 'getByAlias');
  return {
    hits: () => spy.mock.results.filter((r) => r.type === 'return' && r.value !== undefined).length,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a cache hit answered before validation', () => {
  it('carries every header the miss carried, plus X-Cache, and the same body', async () => {
    const article = await createPublishedArticle(services, { body: LONG_BODY, tags: ['Early'] });
    const path = `/v1/articles/${article.slug}`;
    const early = earlyLookups();
    const miss = await plain(path).expect(200);
    expect(miss.headers['x-cache']).toBeUndefined();
    const hit = await plain(path).expect(200);
    expect(early.hits()).toBe(1);
    expect(comparable(hit.headers)).toEqual({ ...comparable(miss.headers), 'x-cache': 'hit' });
    expect(hit.text).toBe(miss.text);
    // The set itself, so that a header lost on both paths would show here too.
    expect(Object.keys(comparable(hit.headers)).sort()).toEqual([
      'access-control-allow-origin',
      'access-control-expose-headers',
      'cache-control',
      'cache-tag',
      'content-length',
      'content-security-policy',
      'content-type',
      'cross-origin-resource-policy',
      'etag',
      'referrer-policy',
      'surrogate-key',
      'vary',
      'x-cache',
      'x-content-type-options',
      'x-frame-options',
    ]);
  });

  it('names its request: a fresh id, or the one the client sent', async () => {
    const article = await createPublishedArticle(services);
    const path = `/v1/articles/${article.slug}`;
    await api.get(path).expect(200);
    const early = earlyLookups();
    const fresh = await api.get(path).expect(200);
    const named = await api.get(path).set('X-Request-Id', 'trace-42').expect(200);
    expect(early.hits()).toBe(2);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(named.headers['x-request-id']).toBe('trace-42');
  });

  it('sends each coding with its own ETag, and answers If-None-Match per coding with a 304', async () => {
    const article = await createPublishedArticle(services, { body: LONG_BODY });
    const path = `/v1/articles/${article.slug}`;
    const identity = await plain(path).expect(200);
    const brMiss = await api.get(path).set('Accept-Encoding', 'br').expect(200);
    const early = earlyLookups();
    const brHit = await api.get(path).set('Accept-Encoding', 'br').expect(200);
    expect(early.hits()).toBe(1);
    expect(brHit.headers['content-encoding']).toBe('br');
    expect(brHit.headers.etag).toBe(`${String(identity.headers.etag).slice(0, -1)}-br"`);
    expect(comparable(brHit.headers)).toEqual({ ...comparable(brMiss.headers), 'x-cache': 'hit' });
    expect(brHit.text).toBe(identity.text);

    const notModified = await api
      .get(path)
      .set('Accept-Encoding', 'br')
      .set('If-None-Match', String(brHit.headers.etag))
      .expect(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.etag).toBe(brHit.headers.etag);
    expect(notModified.headers['content-encoding']).toBeUndefined();
    expect(notModified.headers['content-type']).toBeUndefined();
    expect(notModified.headers['cache-control']).toBe(brHit.headers['cache-control']);
    expect(notModified.headers['surrogate-key']).toBe(brHit.headers['surrogate-key']);
    // The identity body's tag does not name the brotli body, and the other way round.
    await api.get(path).set('Accept-Encoding', 'br').set('If-None-Match', String(identity.headers.etag)).expect(200);
    await plain(path).set('If-None-Match', String(brHit.headers.etag)).expect(200);
    const unchanged = await plain(path).set('If-None-Match', String(identity.headers.etag)).expect(304);
    expect(unchanged.headers.etag).toBe(identity.headers.etag);
    expect(early.hits()).toBe(5);
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const article = await createPublishedArticle(services, { body: LONG_BODY });
    const path = `/v1/articles/${article.slug}`;
    const get = await plain(path).expect(200);
    await api.get(path).set('Accept-Encoding', 'gzip').expect(200);
    const early = earlyLookups();
    const head = await api.head(path).expect(200);
    const gzipGet = await api.get(path).set('Accept-Encoding', 'gzip').expect(200);
    const gzipHead = await api.head(path).set('Accept-Encoding', 'gzip').expect(200);
    expect(early.hits()).toBe(3);
    expect(head.text).toBeUndefined();
    expect(comparable(head.headers)).toEqual({ ...comparable(get.headers), 'x-cache': 'hit' });
    expect(comparable(gzipHead.headers)).toEqual(comparable(gzipGet.headers));
    expect(gzipHead.headers['content-encoding']).toBe('gzip');
  });

  it('never answers a spelling that validation refuses, even of a cached URL', async () => {
    await createPublishedArticle(services);
    const cached = await api.get('/v1/articles?limit=2').expect(200);
    await api.get('/v1/articles?limit=2').expect(200);
    const early = earlyLookups();
    for (const refused of [
      '/v1/articles?limit=02',
      '/v1/articles?limit=0x2',
      '/v1/articles?limit=2.0',
      '/v1/articles?limit=2e0',
      '/v1/articles?limit=2&bogus=1',
      '/v1/articles?limit=2&cursor=not-a-cursor',
    ]) {
      const res = await api.get(refused);
      expect(res.status, refused).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.headers['x-cache']).toBeUndefined();
    }
    expect(early.hits()).toBe(0);
    // The spelling that was validated is still answered early, with the cached body.
    const again = await api.get('/v1/articles?limit=2').expect(200);
    expect(again.text).toBe(cached.text);
    expect(early.hits()).toBe(1);
  });

  it('answers another valid spelling from the cache after validating it once', async () => {
    const article = await createPublishedArticle(services);
    const path = `/v1/articles/${article.slug}`;
    const first = await api.get(path).expect(200);
    const early = earlyLookups();
    // A trailing slash routes to the same article: validated, then found in the cache by its key.
    const spelled = await api.get(`${path}/`).expect(200);
    expect(spelled.headers['x-cache']).toBe('hit');
    expect(early.hits()).toBe(0);
    const again = await api.get(`${path}/`).expect(200);
    expect(early.hits()).toBe(1);
    expect(again.text).toBe(first.text);
  });

  it('is never given to a request with a token, which may see drafts', async () => {
    const article = await createPublishedArticle(services);
    const path = `/v1/articles/${article.slug}`;
    await api.get(path).expect(200);
    await api.get(path).expect(200);
    const early = earlyLookups();
    const res = await api.get(path).set('Authorization', editor.header).expect(200);
    expect(res.headers['x-cache']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(early.hits()).toBe(0);
    await api.get(path).set('Authorization', 'Bearer not-a-token').expect(401);
  });

  it('is purged by a write before it could be served again', async () => {
    const article = await createPublishedArticle(services, { title: 'Before the edit' });
    const path = `/v1/articles/${article.slug}`;
    await api.get(path).expect(200);
    expect((await api.get(path).expect(200)).headers['x-cache']).toBe('hit');
    await api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('Authorization', editor.header)
      .send({ base_revision: 1, title: 'After the edit' })
      .expect(201);
    await api.post(`/v1/articles/${article.id}/publish`).set('Authorization', editor.header).send({}).expect(200);
    const res = await api.get(path).expect(200);
    expect(res.headers['x-cache']).toBeUndefined();
    expect(res.body).toMatchObject({ title: 'After the edit', revision: 2 });
  });

  it('gives way to a publication that came due: the new revision is served at its time', async () => {
    const article = await createPublishedArticle(services, { title: 'Evening edition' });
    const path = `/v1/articles/${article.slug}`;
    await api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('Authorization', editor.header)
      .send({ base_revision: 1, title: 'Morning edition' })
      .expect(201);
    const at = new Date(clock.now() + 3_600_000).toISOString();
    await api
      .post(`/v1/articles/${article.id}/publish`)
      .set('Authorization', editor.header)
      .send({ revision: 2, at })
      .expect(200);
    await api.get(path).expect(200);
    const before = await api.get(path).expect(200);
    expect(before.headers['x-cache']).toBe('hit');
    expect(before.body).toMatchObject({ title: 'Evening edition', revision: 1 });
    clock.advance(3_600_000);
    const after = await api.get(path).expect(200);
    expect(after.headers['x-cache']).toBeUndefined();
    expect(after.body).toMatchObject({ title: 'Morning edition', revision: 2 });
  });
});

describe('with listed CORS origins', async () => {
  // A clock of its own that does not move: no schedule pass falls due between two requests.
  const listed = await buildTestApp({ clock: testClock(), config: { CORS_ORIGINS: ['https://reader.example'] } });

  it.each([
    ['an allowed origin', 'https://reader.example'],
    ['another origin', 'https://elsewhere.example'],
    ['no origin', undefined],
  ])('a hit for %s carries the CORS headers of the miss', async (_name, origin) => {
    const article = await createPublishedArticle(listed.services);
    const path = `/v1/articles/${article.slug}`;
    const get = () => (origin === undefined ? listed.api.get(path) : listed.api.get(path).set('Origin', origin));
    const miss = await get().expect(200);
    const early = earlyLookups();
    const hit = await get().expect(200);
    expect(early.hits()).toBe(1);
    expect(hit.headers.vary).toBe('Origin, Authorization, Accept-Encoding');
    expect(hit.headers['access-control-allow-origin']).toBe(origin === 'https://reader.example' ? origin : undefined);
    expect(comparable(hit.headers)).toEqual({ ...comparable(miss.headers), 'x-cache': 'hit' });
  });
});

describe('raw URLs kept for an entry', () => {
  it('are bounded per entry, the oldest forgotten, and go with the entry', () => {
    const cache = new ResponseCache(1_000_000);
    cache.set('key', { body: '{}', etag: '"e"', keys: ['article:1'] }, cache.generation);
    const before = cache.usedBytes;
    const spellings = Array.from({ length: 10 }, (_, i) => `/v1/articles/x?limit=${'0'.repeat(i)}2`);
    for (const raw of spellings) cache.alias(raw, 'key');
    expect(spellings.map((raw) => cache.getByAlias(raw) !== undefined)).toEqual([
      ...Array(6).fill(false),
      ...Array(4).fill(true),
    ]);
    const kept = cache.usedBytes - before;
    expect(kept).toBeGreaterThan(0);
    // More spellings of the same entry hold no more memory.
    for (const raw of spellings.slice(0, 6)) cache.alias(raw, 'key');
    expect(cache.usedBytes - before).toBeLessThanOrEqual(kept);
    cache.purge(['article:1']);
    expect(spellings.map((raw) => cache.getByAlias(raw))).toEqual(Array(10).fill(undefined));
    expect(cache.usedBytes).toBe(0);
  });

  it('name nothing for a URL no entry holds', () => {
    const cache = new ResponseCache(1_000_000);
    cache.alias('/v1/tags', 'missing');
    expect(cache.getByAlias('/v1/tags')).toBeUndefined();
    expect(cache.usedBytes).toBe(0);
  });
});
