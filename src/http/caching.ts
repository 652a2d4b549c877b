import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { ResponseCache } from './response-cache.js';

export interface CachingOptions {
  maxAgeSeconds: number;
  staleWhileRevalidateSeconds: number;
  /** Serialized anonymous responses; null when RESPONSE_CACHE_BYTES is 0. */
  cache: ResponseCache | null;
}

/**
 * A strong validator derived from the exact bytes sent: equal bodies, equal tags, on every node.
 * A prefix lets the tag also name a version (the editor view's `"r3.…"` stands in for base_revision).
 */
export function etagOf(body: string, prefix = ''): string {
  return `"${prefix}${createHash('sha1').update(body).digest('base64url')}"`;
}

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison, and `*` matches any current representation. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

export interface SendOptions {
  /** A response for one token's eyes: never stored, never public. */
  private?: boolean;
  /** Surrogate keys of what the body shows (src/shared/changes.ts): the cache and CDNs purge by them. */
  keys?: readonly string[];
  /** Put before the hash, so the ETag also names a version (the editor view's `"r3.…"` stands in for base_revision). */
  etagPrefix?: string;
}

/**
 * Sends `value` as serialized by `schema`, the route's declared response: the schema strips every
 * field it does not name, so a column added to a row never reaches a response by accident.
 */
export type CacheableSender = <S extends z.ZodType>(
  request: FastifyRequest,
  reply: FastifyReply,
  schema: S,
  value: z.input<S>,
  options?: SendOptions,
) => FastifyReply;

type Serializer = (value: unknown) => string;
const serializers = new WeakMap<z.ZodType, Serializer>();

/**
 * The same serializer Fastify compiles for a route's response (zod `encode`, then JSON.stringify),
 * compiled once per schema; a value the schema refuses throws a ResponseSerializationError (500).
 */
export function serializerFor(schema: z.ZodType, request: FastifyRequest): Serializer {
  let serialize = serializers.get(schema);
  if (!serialize) {
    serialize = serializerCompiler({ schema, method: request.method, url: request.routeOptions.url ?? '' });
    serializers.set(schema, serialize);
  }
  return serialize;
}

/**
 * The cache's key for a request: the route's pattern with its validated params and query, so that
 * no spelling of a URL can add entries of its own (other spellings of a number, and parameters a
 * route does not declare, are refused before the cache is asked: src/http/strict-query.ts).
 */
export function cacheKeyOf(request: FastifyRequest): string {
  // A route without a query schema reads no query, so none of it may tell entries apart.
  const query = request.routeOptions.schema?.querystring ? request.query : {};
  return `${request.routeOptions.url ?? request.url}\n${JSON.stringify(request.params ?? {})}\n${JSON.stringify(query ?? {})}`;
}

const isRead = (request: FastifyRequest) => request.method === 'GET' || request.method === 'HEAD';

/** Public responses can be shared only when nothing about the caller shaped them. */
const isShareable = (request: FastifyRequest) =>
  isRead(request) && request.headers.authorization === undefined && request.principal === null;

/** Adds Authorization to Vary, keeping what CORS put there (Origin, when origins are listed). */
export function varyOnAuthorization(reply: FastifyReply) {
  const existing = reply.getHeader('vary');
  const values =
    existing === undefined
      ? []
      : String(existing)
          .split(',')
          .map((v) => v.trim());
  if (!values.includes('Authorization')) values.push('Authorization');
  reply.header('vary', values.join(', '));
}

/**
 * Public GETs: a strong ETag and 304s, Cache-Control and Surrogate-Key headers for CDNs, and an
 * in-memory cache of serialized bodies that later requests are answered from before any handler runs.
 */
export function createHttpCaching({ maxAgeSeconds, staleWhileRevalidateSeconds, cache }: CachingOptions) {
  /** The cache's generation when each anonymous read was looked up and missed: what its `set` is checked against. */
  const readsSince = new WeakMap<FastifyRequest, number>();
  const publicControl = `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${staleWhileRevalidateSeconds}`;

  function reply304Or200(request: FastifyRequest, reply: FastifyReply, body: string, etag: string) {
    if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  }

  function publicHeaders(reply: FastifyReply, etag: string, keys: readonly string[]) {
    reply.header('etag', etag);
    reply.header('cache-control', publicControl);
    varyOnAuthorization(reply);
    if (keys.length > 0) {
      reply.header('surrogate-key', keys.join(' '));
      reply.header('cache-tag', keys.join(','));
    }
  }

  const send: CacheableSender = (request, reply, schema, value, options = {}) => {
    const body = serializerFor(schema, request)(value);
    const etag = etagOf(body, options.etagPrefix);
    if (options.private || !isShareable(request)) {
      reply.header('etag', etag);
      reply.header('cache-control', 'private, no-cache');
      varyOnAuthorization(reply);
      return reply304Or200(request, reply, body, etag);
    }
    const keys = options.keys ?? [];
    // A read with no generation noted was never looked up (a route outside the cached context): not stored.
    const since = readsSince.get(request);
    if (cache && options.keys && since !== undefined) cache.set(cacheKeyOf(request), { body, etag, keys }, since);
    publicHeaders(reply, etag, keys);
    return reply304Or200(request, reply, body, etag);
  };

  /**
   * preHandler hook: answers an anonymous GET from the cache when it holds the request. It runs
   * after validation, since the key is the validated request; a request the schema refuses is
   * answered 400 and never looked up or stored.
   */
  async function serveFromCache(request: FastifyRequest, reply: FastifyReply) {
    if (!cache || !isRead(request) || request.headers.authorization !== undefined) return;
    const hit = cache.get(cacheKeyOf(request));
    if (!hit) {
      // Noted before the handler reads anything, so a purge during the read keeps its result out.
      readsSince.set(request, cache.generation);
      return;
    }
    publicHeaders(reply, hit.etag, hit.keys);
    reply.header('x-cache', 'hit');
    return reply304Or200(request, reply, hit.body, hit.etag);
  }

  return { send, serveFromCache };
}
