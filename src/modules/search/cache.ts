import type BetterSqlite3 from 'better-sqlite3';
import { createCommitWatcher } from '../../db/commit-watcher.js';
import type { Engine } from '../../engine/engine.js';
import { type ChangeFeed, type ForeignChange, SurrogateKeys } from '../../shared/changes.js';
import { foldWords } from './fold.js';
import type { ParsedSearch } from './query.js';

/** How much one process keeps: a page of 25 teasers with snippets is some 15 kB of JSON. */
export const SEARCH_CACHE_LIMITS = {
  maxEntries: 2_000,
  maxBytes: 16 * 1024 * 1024,
} as const;

export interface SearchCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

/**
 * The key of one page of a search: the terms as the index folds them (foldWords, as both engines
 * do), in the order given (a score sums its terms in that order, and the cursor holds the score),
 * then the page and filters. A word and a quoted phrase of the same words ask one question (both
 * engines search a word as the phrase of what it folds to): `Thomas Roux`, `thomas  ROUX` and
 * `"thomas" roux` share a key; `"thomas roux"` (one phrase) and `roux thomas` do not.
 */
export function searchCacheKey(
  parsed: ParsedSearch,
  page: { limit: number; cursor?: string | undefined; tag?: string | undefined; lang?: string | undefined },
): string {
  const terms = parsed.terms.map((term) =>
    term.kind === 'phrase' ? ['"', term.words.flatMap(foldWords)] : [term.prefix ? '*' : '"', foldWords(term.word)],
  );
  return JSON.stringify([terms, page.limit, page.cursor ?? null, page.tag ?? null, page.lang ?? null]);
}

interface Entry<T> {
  value: T;
  bytes: number;
}

/**
 * Pages of search results, by searchCacheKey, least recently used first out, within `maxEntries`
 * and `maxBytes`. Every page shows published articles, so every page goes when the `articles`
 * surrogate key is purged: a publication, an unpublication, a new revision published, a comment
 * count or a tag name changed.
 *
 * A page is stored only if nothing was purged between its lookup and its answer: a search that
 * started before a write and answers after it never lands in the cache. Identical searches under
 * way at once share one answer, so a burst of one query costs one search.
 */
export class SearchCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #pending = new Map<string, Promise<T>>();
  readonly #limits: SearchCacheLimits;
  /** Asked before each lookup: what other processes changed since the last call (their commits). */
  readonly #foreign: () => ForeignChange | null;
  #bytes = 0;
  #generation = 0;

  constructor(limits: SearchCacheLimits = SEARCH_CACHE_LIMITS, foreign: () => ForeignChange | null = () => null) {
    this.#limits = limits;
    this.#foreign = foreign;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The cached page of `key`, or the one `load` answers; `sizeOf` weighs it for the byte bound. */
  get(key: string, load: () => Promise<T>, sizeOf: (value: T) => number): Promise<T> {
    const change = this.#foreign();
    if (change) this.purge(change);
    const hit = this.#entries.get(key);
    if (hit) {
      // Most recently used goes last: eviction takes from the front.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return Promise.resolve(hit.value);
    }
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const generation = this.#generation;
    const loading = load().then((value) => {
      if (generation === this.#generation) this.#store(key, value, sizeOf(value));
      return value;
    });
    this.#pending.set(key, loading);
    const settled = () => {
      if (this.#pending.get(key) === loading) this.#pending.delete(key);
    };
    loading.then(settled, settled);
    return loading;
  }

  /** Drops every page when `keys` name the articles (or are unknown: 'all'). */
  purge(keys: ForeignChange): void {
    if (keys === 'all' || keys.includes(SurrogateKeys.articles)) this.clear();
  }

  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#pending.clear();
    this.#bytes = 0;
  }

  #store(key: string, value: T, bytes: number): void {
    const { maxEntries, maxBytes } = this.#limits;
    if (bytes > maxBytes) return;
    const previous = this.#entries.get(key);
    if (previous) {
      this.#entries.delete(key);
      this.#bytes -= previous.bytes;
    }
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= maxEntries && this.#bytes <= maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }
}

/**
 * What another process committed, noticed before each lookup. On SQLite, a watcher of its own on
 * the engine's connection (the engine's `foreign.check` answers one caller only: the response
 * cache's). On PostgreSQL, the engine's check, which only says 'all' while notices cannot arrive,
 * and changes nothing by being called.
 */
function foreignCheckOf(engine: Engine): () => ForeignChange | null {
  const sqlite = (engine as Engine & { handle?: { sqlite?: BetterSqlite3.Database } }).handle?.sqlite;
  if (engine.kind === 'sqlite' && sqlite) {
    const watcher = createCommitWatcher(sqlite);
    return () => {
      try {
        return watcher.changedByOthers() ? 'all' : null;
      } catch {
        // Unknown is treated as changed: nothing stale can be served.
        return 'all';
      }
    };
  }
  return engine.foreign.check ?? (() => null);
}

/**
 * A search cache purged by this process's writes (`changes`, announced before they are
 * acknowledged) and by other processes' (heard through the engine, or noticed before each lookup).
 * It listens to the engine from its first search on: on PostgreSQL the first listener opens a
 * connection, which a process that never searches (the CLI) must not hold. Until then it holds
 * nothing that could be stale, and until the engine listens its check says 'all'.
 */
export function createSearchCache<T>(
  engine: Engine,
  changes: ChangeFeed,
  limits: SearchCacheLimits = SEARCH_CACHE_LIMITS,
): SearchCache<T> {
  const check = foreignCheckOf(engine);
  let listening = false;
  const cache: SearchCache<T> = new SearchCache<T>(limits, () => {
    if (!listening) {
      listening = true;
      engine.foreign.subscribe((change) => cache.purge(change));
    }
    return check();
  });
  changes.subscribe((keys) => cache.purge(keys));
  return cache;
}
