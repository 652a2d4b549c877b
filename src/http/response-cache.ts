import type { CommitWatcher } from '../db/commit-watcher.js';
import { type Clock, systemClock } from '../shared/clock.js';

/**
 * Serialized public responses kept in memory, bounded in bytes and in age, least recently used
 * first out, and dropped by surrogate key when a write changes what they show.
 */
export interface CachedResponse {
  body: string;
  etag: string;
  keys: readonly string[];
}

interface Entry extends CachedResponse {
  bytes: number;
  expiresAt: number;
}

export interface ResponseCacheOptions {
  /**
   * No entry is served once older than this (CACHE_MAX_AGE_S): a change the purges missed (another
   * process's commit unnoticed, a key forgotten) is served for that long at most, as by a CDN.
   */
  maxAgeMs?: number;
  clock?: Clock;
}

/** Map and index bookkeeping per entry, counted so a cache of tiny bodies still honours its bound. */
const ENTRY_OVERHEAD_BYTES = 256;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  private readonly maxAgeMs: number;
  private readonly clock: Clock;

  constructor(
    readonly maxBytes: number,
    { maxAgeMs = Number.POSITIVE_INFINITY, clock = systemClock }: ResponseCacheOptions = {},
  ) {
    this.maxAgeMs = maxAgeMs;
    this.clock = clock;
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(url: string): CachedResponse | undefined {
    const entry = this.entries.get(url);
    if (!entry || this.clock.now() >= entry.expiresAt) {
      if (entry) this.delete(url);
      this.misses++;
      return undefined;
    }
    // Re-inserting moves the entry to the young end of the Map's order: that order is the LRU list.
    this.entries.delete(url);
    this.entries.set(url, entry);
    this.hits++;
    return entry;
  }

  set(url: string, response: CachedResponse): void {
    const bytes = Buffer.byteLength(response.body) + url.length + ENTRY_OVERHEAD_BYTES;
    // One huge response must not flush the whole cache.
    if (bytes > this.maxBytes / 2) return;
    this.delete(url);
    this.entries.set(url, { ...response, bytes, expiresAt: this.clock.now() + this.maxAgeMs });
    this.bytes += bytes;
    for (const key of response.keys) {
      let urls = this.byKey.get(key);
      if (!urls) {
        urls = new Set();
        this.byKey.set(key, urls);
      }
      urls.add(url);
    }
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  /** Drops every response stored under any of the keys. */
  purge(keys: readonly string[]): void {
    for (const key of keys) {
      const urls = this.byKey.get(key);
      if (!urls) continue;
      for (const url of [...urls]) this.delete(url);
    }
  }

  clear(): void {
    this.entries.clear();
    this.byKey.clear();
    this.bytes = 0;
  }

  private delete(url: string): void {
    const entry = this.entries.get(url);
    if (!entry) return;
    this.entries.delete(url);
    this.bytes -= entry.bytes;
    for (const key of entry.keys) {
      const urls = this.byKey.get(key);
      urls?.delete(url);
      if (urls?.size === 0) this.byKey.delete(key);
    }
  }
}

/**
 * A hook to run before every cache lookup: once another process (a second server, the CLI) has
 * committed, nothing held here is known to be current, so all of it goes. A database that cannot
 * say (closed, an I/O error) clears it too, and the request goes on to meet the failure in its
 * own handler, which answers as that route declares (/healthz with a 503).
 */
export function clearOnCommitsByOthers(watcher: CommitWatcher, cache: ResponseCache) {
  return async () => {
    let changed = true;
    try {
      changed = watcher.changedByOthers();
    } catch {
      // Unknown is treated as changed: nothing stale can be served.
    }
    if (changed) cache.clear();
  };
}
