import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpCaching } from '../../src/http/caching.js';
import { compress, registerCompression } from '../../src/http/compression.js';
import type { ContentCoding } from '../../src/http/content-coding.js';
import { ResponseCache } from '../../src/http/response-cache.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createDraftArticle, createPublishedArticle, createToken } from '../helpers/factories.js';

const { app, api, services } = await buildTestApp();
const editor = await createToken(services, 'editor', 'Compressed');
const admin = await createToken(services, 'admin', 'Compressing admin');
/** Long enough to be worth compressing, in every view of the article. */
const longBody = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} of a long read about fjords and glaciers.`).join(
  '\n\n',
);
const article = await createPublishedArticle(services, { body: longBody });
// A list page and a change feed long enough to compress.
for (let i = 0; i < 15; i++) await createPublishedArticle(services, { standfirst: `${longBody.slice(0, 400)} ${i}` });

type Headers = Record<string, string>;
const get = (url: string, headers: Headers = {}) => app.inject({ method: 'GET', url, headers });

/** The body as the client reads it once it undoes the Content-Encoding. */
function decoded(res: { rawPayload: Buffer; headers: Record<string, unknown> }): string {
  const coding = res.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(res.rawPayload).toString();
  if (coding === 'gzip') return gunzipSync(res.rawPayload).toString();
  expect(coding).toBeUndefined();
  return res.rawPayload.toString();
}

const codings: ContentCoding[] = ['br', 'gzip'];

describe.each([
  ['a cached article', `/v1/articles/${article.slug}`, {}],
  ['the cached list', '/v1/articles?limit=5', {}],
  ['an editor view, never cached', `/v1/articles/${article.id}`, { authorization: editor.header }],
  ['the change feed', '/v1/changes', {}],
])('%s', (_, url, auth: Headers) => {
  it.each(codings)('in %s decodes to the identity body, byte for byte, with its own ETag', async (coding) => {
    const identity = await get(url, { ...auth, 'accept-encoding': 'identity' });
    expect(identity.statusCode).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.vary).toContain('Accept-Encoding');
    for (let i = 0; i < 2; i++) {
      const res = await get(url, { ...auth, 'accept-encoding': `${coding}, identity;q=0.5` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(coding);
      expect(res.headers['content-length']).toBe(String(res.rawPayload.length));
      expect(res.rawPayload.length).toBeLessThan(identity.rawPayload.length);
      expect(decoded(res)).toBe(identity.body);
      expect(res.headers.vary).toContain('Accept-Encoding');
      expect(res.headers.etag).toBe(String(identity.headers.etag).replace(/"$/, `-${coding}"`));
    }
  });

  it.each(['br', 'gzip', 'identity'])(
    'answers If-None-Match with the %s ETag with a 304 that says what it varies on',
    async (coding) => {
      const first = await get(url, { ...auth, 'accept-encoding': coding });
      const etag = String(first.headers.etag);
      const again = await get(url, { ...auth, 'accept-encoding': coding, 'if-none-match': etag });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload.length).toBe(0);
      expect(again.headers['content-encoding']).toBeUndefined();
      expect(again.headers.etag).toBe(etag);
      expect(again.headers.vary).toContain('Accept-Encoding');
      // Another coding's tag names other bytes: the full body, in the coding asked for.
      const other = await get(url, {
        ...auth,
        'accept-encoding': coding === 'br' ? 'gzip' : 'br',
        'if-none-match': etag,
      });
      expect(other.statusCode).toBe(200);
    },
  );
});

describe('negotiation', () => {
  const url = `/v1/articles/${article.slug}`;

  it('follows the client’s weights, and prefers br when they are equal', async () => {
    expect((await get(url, { 'accept-encoding': 'gzip, deflate, br' })).headers['content-encoding']).toBe('br');
    expect((await get(url, { 'accept-encoding': 'br;q=0.4, gzip;q=0.8' })).headers['content-encoding']).toBe('gzip');
    expect((await get(url, { 'accept-encoding': 'br;q=0, *' })).headers['content-encoding']).toBe('gzip');
  });

  it('sends identity without Accept-Encoding, or when the client refuses every coding', async () => {
    for (const headers of <Headers[]>[
      {},
      { 'accept-encoding': '' },
      { 'accept-encoding': '*;q=0' },
      { 'accept-encoding': 'zstd' },
    ]) {
      const res = await get(url, headers);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.json().slug).toBe(article.slug);
    }
  });

  it('sends a small body as it is, but says it could vary', async () => {
    const res = await get('/v1/tags?limit=1', { 'accept-encoding': 'br' });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(1024);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBe('Authorization, Accept-Encoding');
  });

  it('compresses even a small body when the client refuses identity', async () => {
    const plain = await get('/v1/tags?limit=1');
    const res = await get('/v1/tags?limit=1', { 'accept-encoding': 'gzip, identity;q=0' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(decoded(res)).toBe(plain.body);
  });

  it('reaches an HTTP client over a socket as it would read it uncompressed', async () => {
    const plain = await api.get(url).set('accept-encoding', 'identity').expect(200);
    // superagent asks for gzip and undoes it, as curl --compressed and browsers do.
    const res = await api.get(url).expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.text).toBe(plain.text);
  });

  it('answers HEAD with the headers of the GET in the same coding, and no body', async () => {
    const full = await get(url, { 'accept-encoding': 'br' });
    const head = await app.inject({ method: 'HEAD', url, headers: { 'accept-encoding': 'br' } });
    expect(head.statusCode).toBe(200);
    expect(head.rawPayload.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.headers.etag).toBe(full.headers.etag);
  });
});

describe('answers no route caches', () => {
  it('compresses a large write answer, and its ETag still names the revision for If-Match', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: { authorization: editor.header, 'accept-encoding': 'gzip' },
      payload: { title: 'Written compressed', lang: 'en', body: longBody },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['content-encoding']).toBe('gzip');
    expect(created.headers.vary).toContain('Accept-Encoding');
    const draft = JSON.parse(decoded(created));
    expect(draft.body).toBe(longBody);
    const etag = String(created.headers.etag);
    expect(etag).toMatch(/^"r1\..+-gzip"$/);
    const revised = await app.inject({
      method: 'POST',
      url: `/v1/articles/${draft.id}/revisions`,
      headers: { authorization: editor.header, 'if-match': etag },
      payload: { title: 'Revised after a compressed read' },
    });
    expect(revised.statusCode).toBe(201);
  });

  it('replays an idempotent write in the coding the retry asks for', async () => {
    const write = (coding: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/articles',
        headers: { authorization: editor.header, 'accept-encoding': coding, 'idempotency-key': 'compressed-once' },
        payload: { title: 'Replayed compressed', lang: 'en', body: longBody },
      });
    const first = await write('br');
    const replay = await write('gzip');
    const plain = await write('identity');
    expect([first.statusCode, replay.statusCode, plain.statusCode]).toEqual([201, 201, 201]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect([first.headers['content-encoding'], replay.headers['content-encoding']]).toEqual(['br', 'gzip']);
    expect(decoded(first)).toBe(plain.body);
    expect(decoded(replay)).toBe(plain.body);
  });

  it('compresses a large problem document', async () => {
    const unknown = Array.from({ length: 60 }, (_, i) => `unknown_parameter_${i}=1`).join('&');
    const plain = await get(`/v1/articles?${unknown}`);
    const res = await get(`/v1/articles?${unknown}`, { 'accept-encoding': 'br' });
    expect(plain.statusCode).toBe(400);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['content-encoding']).toBe('br');
    expect(decoded(res)).toBe(
      plain.body.replace(/"request_id":"[^"]+"/, `"request_id":"${String(res.headers['x-request-id'])}"`),
    );
  });

  it('compresses the OpenAPI document', async () => {
    const plain = await get('/openapi.json');
    const res = await get('/openapi.json', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(decoded(res)).toBe(plain.body);
  });

  it('never compresses a 204', async () => {
    const draft = await createDraftArticle(services, { body: longBody });
    const res = await app.inject({
      method: 'DELETE',
      url: `/v1/articles/${draft.id}`,
      headers: { authorization: admin.header, 'accept-encoding': 'br' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rawPayload.length).toBe(0);
  });
});

/** A small app with the cache and a counting compressor: how often bodies are compressed. */
describe('the response cache keeps compressed bodies', () => {
  const compressed: string[] = [];
  const cache = new ResponseCache(1_000_000, {
    compress: (body, coding) => {
      compressed.push(coding);
      return compress(body, coding);
    },
  });
  const { send, serveFromCache } = createHttpCaching({ maxAgeSeconds: 60, staleWhileRevalidateSeconds: 0, cache });
  const small = Fastify();
  small.setValidatorCompiler(validatorCompiler);
  small.setSerializerCompiler(serializerCompiler);
  small.decorateRequest('principal', null);
  registerCompression(small);
  small.addHook('preHandler', serveFromCache);
  let version = 1;
  let handled = 0;
  small.get('/thing', async (request, reply) => {
    handled++;
    return send(
      request,
      reply,
      z.object({ version: z.number(), text: z.string() }),
      {
        version,
        text: `version ${version} `.repeat(200),
      },
      { keys: ['thing'] },
    );
  });
  afterAll(() => small.close());
  const read = (coding: string) => small.inject({ url: '/thing', headers: { 'accept-encoding': coding } });

  it('compresses each change once per coding, however many read it', async () => {
    const plain = await read('identity');
    for (let i = 0; i < 3; i++) {
      const res = await read('br');
      expect(res.headers['content-encoding']).toBe('br');
      expect(decoded(res)).toBe(plain.body);
    }
    await read('gzip');
    const gz = await read('gzip');
    expect(decoded(gz)).toBe(plain.body);
    expect(handled).toBe(1);
    expect(compressed).toEqual(['br', 'gzip']);
    expect(cache.compressions).toBe(2);
  });

  it('compresses once for readers that arrive together', async () => {
    cache.purge(['thing']);
    compressed.length = 0;
    await read('identity');
    const together = await Promise.all([read('br'), read('br'), read('br')]);
    expect(together.map((res) => res.headers['content-encoding'])).toEqual(['br', 'br', 'br']);
    expect(compressed).toEqual(['br']);
  });

  it('drops the compressed bodies with the entry a purge drops, and compresses the new one', async () => {
    compressed.length = 0;
    const before = await read('br');
    version = 2;
    cache.purge(['thing']);
    const after = await read('br');
    expect(JSON.parse(decoded(after)).version).toBe(2);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    await read('br');
    expect(compressed).toEqual(['br']);
  });

  it('compresses the first reader’s body too when it is the one that fills the cache', async () => {
    version = 3;
    cache.purge(['thing']);
    compressed.length = 0;
    const first = await read('gzip');
    expect(first.headers['x-cache']).toBeUndefined();
    expect(first.headers['content-encoding']).toBe('gzip');
    const second = await read('gzip');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.rawPayload).toEqual(first.rawPayload);
    expect(compressed).toEqual(['gzip']);
  });
});
