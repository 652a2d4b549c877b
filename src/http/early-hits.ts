import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ForeignChange } from '../shared/changes.js';
import { ifNoneMatchHits } from './caching.js';
import { MIN_COMPRESSED_BYTES } from './compression.js';
import { type Coding, chooseCoding, etagForCoding } from './content-coding.js';
import type { CorsBlock } from './cors.js';
import { SECURITY_HEADERS } from './hardening.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';

/**
 * The first hook of every request, and the whole of a cache hit's.
 *
 * Every request gets its X-Request-Id and the security headers here, in one go, so that every
 * answer, refusals by later hooks included, carries them; and another process's writes are purged
 * from the response cache here, before anything can be served from it.
 *
 * An anonymous GET or HEAD whose URL, exactly as sent, was routed and validated into a cached
 * response before (ResponseCache.alias) is answered here, before validation, access control and
 * every other hook: with the same headers and body as the preHandler lookup in src/http/caching.ts
 * gives, written in one writeHead. Anything else goes the validated way: a URL never seen (another
 * spelling of a number, an unknown parameter, a bad cursor are refused there and never aliased),
 * a coding whose compressed body is not ready yet, and any request arriving while something must
 * run before an answer (a schedule pass, load shedding, idempotency outcomes waiting to be written).
 *
 * A hit spends no write budget: reads never do (src/http/hardening.ts allow-lists them), so the
 * rate limiter would let it through unchanged.
 */
export interface EarlyHits {
  cache: ResponseCache;
  /** The Cache-Control of public responses (publicCacheControl). */
  cacheControl: string;
  /** The CORS headers for a request's Origin (corsBlocks). */
  cors: (origin: string | undefined) => CorsBlock;
  /** True while a request must not be answered before the later hooks run. */
  mustWait: () => boolean;
}

export interface FirstHookOptions {
  /**
   * Another process's writes, for a cache that learns of them by asking (SQLite's data_version);
   * absent when they arrive by subscription, or when nothing is cached.
   */
  foreign?: (() => ForeignChange | null) | undefined;
  cache: ResponseCache | null;
}

const SECURITY_PAIRS: readonly string[] = Object.entries(SECURITY_HEADERS).flat();
const VARY = 'Authorization, Accept-Encoding';
/** CORS with listed origins puts Origin first, before caching adds the rest. */
const VARY_WITH_ORIGIN = `Origin, ${VARY}`;
const JSON_TYPE = 'application/json; charset=utf-8';

/** What a hit's headers hold beyond the request's own, made once per cached response. */
interface Prepared {
  /** cache-control, surrogate-key, cache-tag and x-cache, as name, value pairs. */
  headers: string[];
  bytes: number;
  worthCompressing: boolean;
}

/** Accept-Encoding values seen, and the coding each gives: clients send a handful of spellings. */
const CODINGS_KEPT = 64;

export function createFirstHook({ foreign, cache }: FirstHookOptions) {
  let hits: EarlyHits | null = null;
  const prepared = new WeakMap<CachedResponse, Prepared>();
  const codings = [new Map<string, Coding>(), new Map<string, Coding>()];

  function codingFor(header: string | undefined, worthCompressing: boolean): Coding {
    if (header === undefined) return 'identity';
    const known = codings[worthCompressing ? 1 : 0] as Map<string, Coding>;
    let coding = known.get(header);
    if (coding === undefined) {
      coding = chooseCoding(header, worthCompressing);
      if (known.size >= CODINGS_KEPT) known.clear();
      known.set(header, coding);
    }
    return coding;
  }

  function prepare(hit: CachedResponse, cacheControl: string): Prepared {
    let made = prepared.get(hit);
    if (!made) {
      const headers = ['cache-control', cacheControl];
      if (hit.keys.length > 0) headers.push('surrogate-key', hit.keys.join(' '), 'cache-tag', hit.keys.join(','));
      headers.push('x-cache', 'hit');
      const bytes = Buffer.byteLength(hit.body);
      made = { headers, bytes, worthCompressing: bytes >= MIN_COMPRESSED_BYTES };
      prepared.set(hit, made);
    }
    return made;
  }

  /** Answers the request from the cache when it may be; false when it must go the validated way. */
  function answer(request: FastifyRequest, reply: FastifyReply, early: EarlyHits): boolean {
    const method = request.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const given = request.headers;
    if (given.authorization !== undefined || early.mustWait()) return false;
    const hit = early.cache.getByAlias(request.url);
    if (!hit) return false;
    const { headers: cached, bytes, worthCompressing } = prepare(hit, early.cacheControl);
    const coding = codingFor(given['accept-encoding'], worthCompressing);
    let body: string | Buffer = hit.body;
    let length = bytes;
    if (coding !== 'identity') {
      const compressed = early.cache.compressedNow(hit, coding);
      // Not made yet, or still being made: the validated path waits for it.
      if (!compressed) return false;
      body = compressed;
      length = compressed.length;
    }
    const etag = etagForCoding(hit.etag, coding);
    const notModified = ifNoneMatchHits(given['if-none-match'], etag);
    const cors = early.cors(given.origin);
    const headers: string[] = ['x-request-id', request.id];
    for (const value of cors.headers) headers.push(value);
    for (const value of SECURITY_PAIRS) headers.push(value);
    headers.push(cached[0] as string, cached[1] as string, 'vary', cors.varyOrigin ? VARY_WITH_ORIGIN : VARY);
    for (let i = 2; i < cached.length; i++) headers.push(cached[i] as string);
    headers.push('etag', etag);
    if (!notModified) {
      headers.push('content-type', JSON_TYPE);
      if (coding !== 'identity') headers.push('content-encoding', coding);
      headers.push('content-length', String(length));
    }
    // Fastify still runs the onResponse hooks and logs the request: they hang on the response's end.
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(notModified ? 304 : 200, headers);
    if (notModified || method === 'HEAD') raw.end();
    else raw.end(body);
    return true;
  }

  /** Callback style, not async: a hook that awaits nothing costs no promise. */
  function hook(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    if (cache && foreign) {
      const change = foreign();
      if (change === 'all') cache.clear();
      else if (change) cache.purge(change);
    }
    if (hits && answer(request, reply, hits)) {
      done();
      return;
    }
    reply.header('x-request-id', request.id).headers(SECURITY_HEADERS);
    done();
  }

  return {
    hook,
    /** Starts answering hits here; called once everything `early.mustWait` asks is registered. */
    serveHits(early: EarlyHits) {
      hits = early;
    },
  };
}
