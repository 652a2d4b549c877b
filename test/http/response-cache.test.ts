import { brotliDecompressSync } from 'node:zlib';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpCaching } from '../../src/http/caching.js';
import { ResponseCache } from '../../src/http/response-cache.js';
import { testClock } from '../helpers/build-app.js';

const body = (n: number) => 'x'.repeat(n);

describe('ResponseCache', () => {
  it('returns what it stored', () => {
    const cache = new ResponseCache(100_000);
    cache.set('/a', { body: '{"a":1}', etag: '"e"', keys: ['k'] }, cache.generation);
    expect(cache.get('/a')).toEqual({
      body: '{"a":1}',
      etag: '"e"',
      keys: ['k'],
      bytes: expect.any(Number),
      expiresAt: Number.POSITIVE_INFINITY,
    });
    expect(cache.get('/b')).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('stays within its byte bound, dropping the least recently used first', () => {
    const cache = new ResponseCache(4_000);
    cache.set('/1', { body: body(900), etag: '1', keys: [] }, cache.generation);
    cache.set('/2', { body: body(900), etag: '2', keys: [] }, cache.generation);
    cache.set('/3', { body: body(900), etag: '3', keys: [] }, cache.generation);
    cache.get('/1');
    cache.set('/4', { body: body(900), etag: '4', keys: [] }, cache.generation);
    expect(cache.usedBytes).toBeLessThanOrEqual(4_000);
    expect(cache.get('/2')).toBeUndefined();
    expect(cache.get('/1')?.etag).toBe('1');
    expect(cache.get('/4')?.etag).toBe('4');
  });

  it('does not keep a body larger than half its bound', () => {
    const cache = new ResponseCache(4_000);
    cache.set('/big', { body: body(2_000), etag: 'b', keys: [] }, cache.generation);
    expect(cache.size).toBe(0);
  });

  it('purges by surrogate key, and only what carries it', () => {
    const cache = new ResponseCache(100_000);
    cache.set('/v1/articles/a', { body: 'a', etag: 'a', keys: ['article:1', 'tag:x'] }, cache.generation);
    cache.set('/v1/articles/b', { body: 'b', etag: 'b', keys: ['article:2'] }, cache.generation);
    cache.set('/v1/tags/x', { body: 'x', etag: 'x', keys: ['tags', 'tag:x'] }, cache.generation);
    cache.purge(['tag:x']);
    expect(cache.get('/v1/articles/a')).toBeUndefined();
    expect(cache.get('/v1/tags/x')).toBeUndefined();
    expect(cache.get('/v1/articles/b')?.body).toBe('b');
    expect(cache.usedBytes).toBeGreaterThan(0);
    cache.purge(['article:2']);
    expect(cache.usedBytes).toBe(0);
  });

  it('replaces an entry stored again under the same URL', () => {
    const cache = new ResponseCache(100_000);
    cache.set('/a', { body: 'old', etag: 'o', keys: ['k1'] }, cache.generation);
    cache.set('/a', { body: 'new', etag: 'n', keys: ['k2'] }, cache.generation);
    cache.purge(['k1']);
    expect(cache.get('/a')?.body).toBe('new');
  });

  it('serves an entry until it is maxAgeMs old, then misses and forgets it', () => {
    const clock = testClock();
    const cache = new ResponseCache(100_000, { maxAgeMs: 60_000, clock });
    cache.set('/a', { body: '{}', etag: '"a"', keys: ['k'] }, cache.generation);
    clock.advance(59_999);
    expect(cache.get('/a')?.etag).toBe('"a"');
    clock.advance(1);
    expect(cache.get('/a')).toBeUndefined();
    expect([cache.size, cache.usedBytes]).toEqual([0, 0]);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('counts an entry’s age from when it was stored, not from when it was last read', () => {
    const clock = testClock();
    const cache = new ResponseCache(100_000, { maxAgeMs: 1_000, clock });
    cache.set('/a', { body: '{}', etag: '"a"', keys: [] }, cache.generation);
    for (let i = 0; i < 9; i++) {
      clock.advance(100);
      cache.get('/a');
    }
    clock.advance(100);
    expect(cache.get('/a')).toBeUndefined();
  });

  it('keeps compressed bodies with their entry, counted in its bytes, and drops them with it', async () => {
    const cache = new ResponseCache(100_000);
    cache.set('/a', { body: body(3_000), etag: '"a"', keys: ['k'] }, cache.generation);
    const identityBytes = cache.usedBytes;
    const br = await cache.variant('/a', body(3_000), 'br');
    expect(brotliDecompressSync(br).toString()).toBe(body(3_000));
    expect(cache.usedBytes).toBe(identityBytes + br.length);
    expect(await cache.variant('/a', body(3_000), 'br')).toBe(br);
    expect(cache.compressions).toBe(1);
    cache.purge(['k']);
    expect(cache.usedBytes).toBe(0);
    // A body no longer stored is compressed for its answer, and kept nowhere.
    expect(await cache.variant('/a', body(3_000), 'br')).toEqual(br);
    expect([cache.compressions, cache.usedBytes]).toEqual([2, 0]);
  });

  it('keeps no compressed body for a body other than the one stored', async () => {
    const cache = new ResponseCache(100_000);
    cache.set('/a', { body: body(2_000), etag: '"new"', keys: [] }, cache.generation);
    const stored = cache.usedBytes;
    await cache.variant('/a', body(1_500), 'gzip');
    await cache.variant('/a', body(1_500), 'gzip');
    expect([cache.compressions, cache.usedBytes]).toEqual([2, stored]);
  });

  it('compresses again after a compression failed, rather than keep the failure', async () => {
    let calls = 0;
    const cache = new ResponseCache(100_000, {
      compress: async (text) => {
        calls++;
        if (calls === 1) throw new Error('out of memory');
        return Buffer.from(text.slice(0, 10));
      },
    });
    cache.set('/a', { body: body(2_000), etag: '"a"', keys: [] }, cache.generation);
    await expect(cache.variant('/a', body(2_000), 'br')).rejects.toThrow('out of memory');
    expect((await cache.variant('/a', body(2_000), 'br')).toString()).toBe(body(10));
    expect(calls).toBe(2);
  });

  describe('a purge that arrives while a read is under way', () => {
    const response = (keys: string[]) => ({ body: 'old', etag: '"o"', keys });

    it('keeps the read’s result out when one of its keys was purged after the read began', () => {
      const cache = new ResponseCache(100_000);
      const since = cache.generation;
      cache.purge(['article:1']);
      expect(cache.set('/a', response(['articles', 'article:1']), since)).toBe(false);
      expect(cache.get('/a')).toBeUndefined();
      expect(cache.size).toBe(0);
    });

    it('keeps it out after a clear (a full flush, as after a lost connection)', () => {
      const cache = new ResponseCache(100_000);
      const since = cache.generation;
      cache.clear();
      expect(cache.set('/a', response(['article:1']), since)).toBe(false);
      expect(cache.get('/a')).toBeUndefined();
    });

    it('stores it when only other keys were purged', () => {
      const cache = new ResponseCache(100_000);
      const since = cache.generation;
      cache.purge(['article:2', 'comments:2']);
      expect(cache.set('/a', response(['article:1']), since)).toBe(true);
      expect(cache.get('/a')?.body).toBe('old');
    });

    it('stores the result of a read that began after the purge', () => {
      const cache = new ResponseCache(100_000);
      cache.purge(['article:1']);
      expect(cache.set('/a', response(['article:1']), cache.generation)).toBe(true);
      expect(cache.get('/a')?.body).toBe('old');
    });

    it('still refuses a stale read once it has forgotten which keys were purged', () => {
      const cache = new ResponseCache(100_000);
      const since = cache.generation;
      cache.purge(['article:1']);
      for (let i = 0; i < 10_001; i++) cache.purge([`article:other-${i}`]);
      expect(cache.set('/a', response(['article:1']), since)).toBe(false);
      expect(cache.set('/b', response(['article:unrelated']), since)).toBe(false);
      expect(cache.set('/c', response(['article:1']), cache.generation)).toBe(true);
    });

    it('does not count an empty purge as one', () => {
      const cache = new ResponseCache(100_000);
      const since = cache.generation;
      cache.purge([]);
      expect(cache.generation).toBe(since);
    });
  });
});

describe('a public read answered while another node’s purge arrives', () => {
  const cache = new ResponseCache(100_000);
  const { send, serveFromCache } = createHttpCaching({ maxAgeSeconds: 60, staleWhileRevalidateSeconds: 0, cache });
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.addHook('preHandler', serveFromCache);
  let version = 1;
  let duringRead = async () => {};
  app.get('/thing', async (request, reply) => {
    const read = version;
    await duringRead();
    return send(request, reply, z.object({ version: z.number() }), { version: read }, { keys: ['thing'] });
  });
  afterAll(() => app.close());

  it('is answered, but not kept: the next read sees the write the purge announced', async () => {
    duringRead = async () => {
      version = 2;
      cache.purge(['thing']);
    };
    expect((await app.inject('/thing')).json()).toEqual({ version: 1 });
    duringRead = async () => {};
    const next = await app.inject('/thing');
    expect(next.json()).toEqual({ version: 2 });
    expect(next.headers['x-cache']).toBeUndefined();
    expect((await app.inject('/thing')).headers['x-cache']).toBe('hit');
  });
});
