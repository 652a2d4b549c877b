import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/http/response-cache.js';
import { testClock } from '../helpers/build-app.js';

const body = (n: number) => 'x'.repeat(n);

describe('ResponseCache', () => {
  it('returns what it stored', () => {
    const cache = new ResponseCache(100_000);
    cache.set('/a', { body: '{"a":1}', etag: '"e"', keys: ['k'] });
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
    cache.set('/1', { body: body(900), etag: '1', keys: [] });
    cache.set('/2', { body: body(900), etag: '2', keys: [] });
    cache.set('/3', { body: body(900), etag: '3', keys: [] });
    cache.get('/1');
    cache.set('/4', { body: body(900), etag: '4', keys: [] });
    expect(cache.usedBytes).toBeLessThanOrEqual(4_000);
    expect(cache.get('/2')).toBeUndefined();
    expect(cache.get('/1')?.etag).toBe('1');
    expect(cache.get('/4')?.etag).toBe('4');
  });

  it('does not keep a body larger than half its bound', () => {
    const cache = new ResponseCache(4_000);
    cache.set('/big', { body: body(2_000), etag: 'b', keys: [] });
    expect(cache.size).toBe(0);
  });

  it('purges by surrogate key, and only what carries it', () => {
    const cache = new ResponseCache(100_000);
    cache.set('/v1/articles/a', { body: 'a', etag: 'a', keys: ['article:1', 'tag:x'] });
    cache.set('/v1/articles/b', { body: 'b', etag: 'b', keys: ['article:2'] });
    cache.set('/v1/tags/x', { body: 'x', etag: 'x', keys: ['tags', 'tag:x'] });
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
    cache.set('/a', { body: 'old', etag: 'o', keys: ['k1'] });
    cache.set('/a', { body: 'new', etag: 'n', keys: ['k2'] });
    cache.purge(['k1']);
    expect(cache.get('/a')?.body).toBe('new');
  });

  it('serves an entry until it is maxAgeMs old, then misses and forgets it', () => {
    const clock = testClock();
    const cache = new ResponseCache(100_000, { maxAgeMs: 60_000, clock });
    cache.set('/a', { body: '{}', etag: '"a"', keys: ['k'] });
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
    cache.set('/a', { body: '{}', etag: '"a"', keys: [] });
    for (let i = 0; i < 9; i++) {
      clock.advance(100);
      cache.get('/a');
    }
    clock.advance(100);
    expect(cache.get('/a')).toBeUndefined();
  });
});
