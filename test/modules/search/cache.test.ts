import { describe, expect, it } from 'vitest';
import { SearchCache, searchCacheKey } from '../../../src/modules/search/cache.js';
import { parseSearch } from '../../../src/modules/search/query.js';
import type { ForeignChange } from '../../../src/shared/changes.js';

const page = { limit: 10 };
const key = (q: string, extra: Partial<Parameters<typeof searchCacheKey>[1]> = {}) =>
  searchCacheKey(parseSearch(q), { ...page, ...extra });

/** A load that answers `value` and counts its calls. */
function loader(value: string) {
  const load = async () => {
    load.calls += 1;
    return value;
  };
  load.calls = 0;
  return load;
}

const size = (value: string) => value.length;

/** A promise the test settles when it wants, to hold a search "under way". */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('searchCacheKey', () => {
  it('is one key for the spellings the index folds alike', () => {
    expect(key('Thomas Roux')).toBe(key('thomas   ROUX'));
    expect(key('Thomas Roux')).toBe(key('"thomas" roux'));
    expect(key('souveraineté')).toBe(key('SOUVERAINETE'));
    expect(key('norv*')).toBe(key('NORV*'));
  });

  it('tells apart what asks another question', () => {
    const base = key('thomas roux');
    expect(key('roux thomas')).not.toBe(base);
    expect(key('"thomas roux"')).not.toBe(base);
    expect(key('thomas roux*')).not.toBe(base);
    expect(key('thomas roux roux')).not.toBe(base);
    expect(key('thomas roux', { limit: 11 })).not.toBe(base);
    expect(key('thomas roux', { cursor: 'abc' })).not.toBe(base);
    expect(key('thomas roux', { tag: 'x' })).not.toBe(base);
    expect(key('thomas roux', { lang: 'fr' })).not.toBe(base);
    expect(key('thomas roux', { tag: 'fr' })).not.toBe(key('thomas roux', { lang: 'fr' }));
  });
});

describe('SearchCache', () => {
  it('loads a key once and answers it from memory after', async () => {
    const cache = new SearchCache<string>();
    const load = loader('page');
    expect(await cache.get('k', load, size)).toBe('page');
    expect(await cache.get('k', load, size)).toBe('page');
    expect(load.calls).toBe(1);
  });

  it('shares one load between lookups of a key under way at once', async () => {
    const cache = new SearchCache<string>();
    const load = loader('page');
    expect(await Promise.all([cache.get('k', load, size), cache.get('k', load, size)])).toEqual(['page', 'page']);
    expect(load.calls).toBe(1);
  });

  it('keeps no failure: the next lookup loads again', async () => {
    const cache = new SearchCache<string>();
    await expect(cache.get('k', () => Promise.reject(new Error('too costly')), size)).rejects.toThrow('too costly');
    const load = loader('page');
    expect(await cache.get('k', load, size)).toBe('page');
    expect(load.calls).toBe(1);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const cache = new SearchCache<string>({ maxEntries: 2, maxBytes: 1000 });
    await cache.get('a', loader('A'), size);
    await cache.get('b', loader('B'), size);
    await cache.get('a', loader('A'), size);
    await cache.get('c', loader('C'), size);
    expect(cache.size).toBe(2);
    const b = loader('B');
    const a = loader('A');
    await cache.get('a', a, size);
    await cache.get('b', b, size);
    expect(a.calls).toBe(0);
    expect(b.calls).toBe(1);
  });

  it('holds at most maxBytes, and never a page larger than that', async () => {
    const cache = new SearchCache<string>({ maxEntries: 100, maxBytes: 10 });
    await cache.get('a', loader('aaaa'), size);
    await cache.get('b', loader('bbbb'), size);
    expect(cache.bytes).toBe(8);
    await cache.get('c', loader('cccc'), size);
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(8);
    const a = loader('aaaa');
    await cache.get('a', a, size);
    expect(a.calls).toBe(1);
    const huge = loader('x'.repeat(11));
    expect(await cache.get('huge', huge, size)).toBe('x'.repeat(11));
    await cache.get('huge', huge, size);
    expect(huge.calls).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(10);
  });

  it('drops every page when the articles key is purged, and only then', async () => {
    const cache = new SearchCache<string>();
    await cache.get('k', loader('old'), size);
    cache.purge(['article:1', 'comments:1', 'tags', 'tag:x', 'credits']);
    expect(await cache.get('k', loader('new'), size)).toBe('old');
    cache.purge(['articles']);
    expect(await cache.get('k', loader('new'), size)).toBe('new');
    cache.purge('all');
    expect(await cache.get('k', loader('newer'), size)).toBe('newer');
  });

  it('never stores a page whose search was under way when a purge came', async () => {
    const cache = new SearchCache<string>();
    const held = deferred<string>();
    const before = cache.get('k', () => held.promise, size);
    cache.purge(['articles']);
    // A lookup after the purge does not share the search that started before it.
    const after = loader('new');
    expect(await cache.get('k', after, size)).toBe('new');
    held.resolve('old');
    expect(await before).toBe('old');
    expect(await cache.get('k', loader('newer'), size)).toBe('new');
    expect(after.calls).toBe(1);
  });

  it('asks for other processes’ changes before each lookup', async () => {
    let change: ForeignChange | null = null;
    const cache = new SearchCache<string>(undefined, () => {
      const seen = change;
      change = null;
      return seen;
    });
    await cache.get('k', loader('old'), size);
    change = ['tag:x'];
    expect(await cache.get('k', loader('new'), size)).toBe('old');
    change = ['articles', 'article:1'];
    expect(await cache.get('k', loader('new'), size)).toBe('new');
    change = 'all';
    expect(await cache.get('k', loader('newer'), size)).toBe('newer');
  });
});
