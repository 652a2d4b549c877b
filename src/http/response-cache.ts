import { type Clock, systemClock } from '../shared/clock.js';
import { compress } from './compression.js';
import type { ContentCoding } from './content-coding.js';

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
  /** Request URLs, exactly as sent, known to be validated into this entry's key (see `alias`). */
  aliases?: string[];
  /** Compressed bodies made and finished, by coding: what a hit can be answered with at once. */
  settled?: Map<ContentCoding, Buffer>;
}

export interface ResponseCacheOptions {
  /**
   * No entry is served once older than this (CACHE_MAX_AGE_S): a change the purges missed (another
   * process's commit unnoticed, a key forgotten) is served for that long at most, as by a CDN.
   */
  maxAgeMs?: number;
  clock?: Clock;
  /** Compresses a body (tests count the calls); node:zlib by default. */
  compress?: (body: string, coding: ContentCoding) => Promise<Buffer>;
}

/** Map and index bookkeeping per entry, counted so a cache of tiny bodies still honours its bound. */
const ENTRY_OVERHEAD_BYTES = 256;
/**
 * Keys whose last purge is remembered, for refusing reads that began before it. Past this many, the
 * memory is dropped and counted as a clear: every read under way then is refused, which is safe.
 */
const REMEMBERED_PURGES = 10_000;
/**
 * Raw URLs kept per entry: spellings of one request (parameter order, percent-encoding, a trailing
 * slash) each validate into the same key, and a client cycling through them must not grow memory.
 * Past this many, the oldest spelling is forgotten and goes the validated way again.
 */
export const MAX_ALIASES = 4;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();
  /** Raw request URL → the key of the entry it was validated into. */
  private readonly aliases = new Map<string, string>();
  private bytes = 0;
  /** Counts purges and clears; a read notes it when it begins (`generation`) and hands it to `set`. */
  private purges = 0;
  /** The generation each key was last purged at, and the last clear's: what a late `set` is checked against. */
  private readonly purgedAt = new Map<string, number>();
  private clearedAt = 0;
  /**
   * Each entry's compressed bodies, by coding, made the first time a client asks for one; they go
   * with the entry when it is purged, replaced, expired or evicted.
   */
  private readonly variants = new WeakMap<Entry, Map<ContentCoding, Promise<Buffer>>>();
  hits = 0;
  misses = 0;
  /** Bodies compressed, kept or not: once per entry and coding while the entry lives. */
  compressions = 0;

  private readonly maxAgeMs: number;
  private readonly clock: Clock;
  private readonly compress: (body: string, coding: ContentCoding) => Promise<Buffer>;

  constructor(
    readonly maxBytes: number,
    { maxAgeMs = Number.POSITIVE_INFINITY, clock = systemClock, compress: given = compress }: ResponseCacheOptions = {},
  ) {
    this.maxAgeMs = maxAgeMs;
    this.clock = clock;
    this.compress = given;
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
   * The response stored for a request URL exactly as sent, when that URL was named with `alias`:
   * the URL was routed and validated into the entry's key before, so it can be answered without
   * either. Any other URL (a spelling never validated, one that validation refuses) is unknown here.
   */
  getByAlias(raw: string): CachedResponse | undefined {
    const url = this.aliases.get(raw);
    return url === undefined ? undefined : this.get(url);
  }

  /**
   * Notes that the request URL `raw`, as sent, was routed and validated into `url`, the key of a
   * stored entry. Kept with the entry, counted in its bytes, at most MAX_ALIASES of them.
   */
  alias(raw: string, url: string): void {
    const entry = this.entries.get(url);
    if (!entry || this.aliases.get(raw) === url) return;
    const previous = this.aliases.get(raw);
    if (previous !== undefined) this.unalias(raw, previous);
    entry.aliases ??= [];
    if (entry.aliases.length >= MAX_ALIASES) {
      const oldest = entry.aliases[0];
      if (oldest !== undefined) this.unalias(oldest, url);
    }
    entry.aliases.push(raw);
    this.aliases.set(raw, url);
    const bytes = raw.length + ENTRY_OVERHEAD_BYTES;
    entry.bytes += bytes;
    this.bytes += bytes;
    this.evict();
  }

  /**
   * The body of `response` (as `get` returned it) in `coding`, when it was compressed already and
   * the compression has finished; undefined otherwise (ask `variant`).
   */
  compressedNow(response: CachedResponse, coding: ContentCoding): Buffer | undefined {
    return (response as Entry).settled?.get(coding);
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
    this.evict();
    return true;
  }

  /**
   * `body` in `coding`. When it is the body stored under `url`, it is compressed once and kept with
   * that entry, counted in its bytes; any other body (an entry replaced or dropped since it was
   * read) is compressed for this answer only. A failed compression is not kept: the next asks again.
   */
  variant(url: string, body: string, coding: ContentCoding): Promise<Buffer> {
    const entry = this.entries.get(url);
    if (!entry || entry.body !== body) {
      this.compressions++;
      return this.compress(body, coding);
    }
    let kept = this.variants.get(entry);
    if (!kept) {
      kept = new Map();
      this.variants.set(entry, kept);
    }
    const known = kept.get(coding);
    if (known) return known;
    this.compressions++;
    const made = this.compress(body, coding);
    kept.set(coding, made);
    made.then(
      (compressed) => {
        if (this.entries.get(url) !== entry) return;
        entry.settled ??= new Map();
        entry.settled.set(coding, compressed);
        entry.bytes += compressed.length;
        this.bytes += compressed.length;
        this.evict();
      },
      () => kept.delete(coding),
    );
    return made;
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
    this.aliases.clear();
    this.bytes = 0;
  }

  /** Drops least recently used entries until the cache is within its bound. */
  private evict(): void {
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  private purgedSince(keys: readonly string[], generation: number): boolean {
    if (this.clearedAt > generation) return true;
    return keys.some((key) => (this.purgedAt.get(key) ?? 0) > generation);
  }

  private unalias(raw: string, url: string): void {
    this.aliases.delete(raw);
    const entry = this.entries.get(url);
    const at = entry?.aliases?.indexOf(raw) ?? -1;
    if (!entry || at < 0) return;
    entry.aliases?.splice(at, 1);
    const bytes = raw.length + ENTRY_OVERHEAD_BYTES;
    entry.bytes -= bytes;
    this.bytes -= bytes;
  }

  private delete(url: string): void {
    const entry = this.entries.get(url);
    if (!entry) return;
    this.entries.delete(url);
    this.bytes -= entry.bytes;
    for (const raw of entry.aliases ?? []) this.aliases.delete(raw);
    for (const key of entry.keys) {
      const urls = this.byKey.get(key);
      urls?.delete(url);
      if (urls?.size === 0) this.byKey.delete(key);
    }
  }
}
