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
/**
 * Keys whose last purge is remembered, for refusing reads that began before it. Past this many, the
 * memory is dropped and counted as a clear: every read under way then is refused, which is safe.
 */
const REMEMBERED_PURGES = 10_000;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();
  private bytes = 0;
  /** Counts purges and clears; a read notes it when it begins (`generation`) and hands it to `set`. */
  private purges = 0;
  /** The generation each key was last purged at, and the last clear's: what a late `set` is checked against. */
  private readonly purgedAt = new Map<string, number>();
  private clearedAt = 0;
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

  /**
   * Note this before reading what a response will show, and pass it to `set`. Purges now arrive at
   * any moment, from other nodes too: a read that began before a purge of one of its keys may hold
   * what that purge was about, and must not be stored after it.
   */
  get generation(): number {
    return this.purges;
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

  /**
   * Stores `response`, unless a purge of one of its keys (or a clear) came after `readSince`, the
   * `generation` noted when the read began: then it may be stale, and it is dropped.
   * Returns whether it was stored.
   */
  set(url: string, response: CachedResponse, readSince: number): boolean {
    if (this.purgedSince(response.keys, readSince)) return false;
    const bytes = Buffer.byteLength(response.body) + url.length + ENTRY_OVERHEAD_BYTES;
    // One huge response must not flush the whole cache.
    if (bytes > this.maxBytes / 2) return false;
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
    return true;
  }

  /** Drops every response stored under any of the keys. */
  purge(keys: readonly string[]): void {
    if (keys.length === 0) return;
    this.purges++;
    if (this.purgedAt.size + keys.length > REMEMBERED_PURGES) {
      this.purgedAt.clear();
      this.clearedAt = this.purges;
    } else {
      for (const key of keys) this.purgedAt.set(key, this.purges);
    }
    for (const key of keys) {
      const urls = this.byKey.get(key);
      if (!urls) continue;
      for (const url of [...urls]) this.delete(url);
    }
  }

  clear(): void {
    this.purges++;
    this.clearedAt = this.purges;
    this.purgedAt.clear();
    this.entries.clear();
    this.byKey.clear();
    this.bytes = 0;
  }

  private purgedSince(keys: readonly string[], generation: number): boolean {
    if (this.clearedAt > generation) return true;
    return keys.some((key) => (this.purgedAt.get(key) ?? 0) > generation);
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
