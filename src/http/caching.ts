import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { chooseVariant, type Encoder, varyOn } from './compression.js';
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
export function etagOf(body: string | Buffer, prefix = ''): string {
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

/**
 * A permanent redirect of a public read (a former slug): cached as long as the response it stands
 * for, under `keys`, so a purge on any change to what it names reaches CDNs that keep it.
 */
export type CacheableRedirect = (
  request: FastifyRequest,
  reply: FastifyReply,
  location: string,
  keys: readonly string[],
) => FastifyReply;

/**
 * Sends a body serialized before (a stored document, a page joined from stored teasers) exactly as
 * CacheableSender sends the body it serializes: same headers, ETag rules and response cache. `etag`
 * is the stored `etagOf(body)` when there is one, so the read does no hashing.
 */
export type DocumentSender = (
  request: FastifyRequest,
  reply: FastifyReply,
  body: string | Buffer,
  options: { keys: readonly string[]; etag?: string },
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
  varyOn(reply, 'Authorization');
}

/**
 * Sends a JSON body with its ETag, or a 304 when If-None-Match holds it. The body goes in the coding
 * the client prefers (src/http/compression.ts), and the ETag names that variant, on the 304 too;
 * `encoder` gives the compressed body when the response cache keeps it.
 */
export function sendWithValidator(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string | Buffer,
  etag: string,
  encoder?: Encoder,
) {
  const variant = chooseVariant(request, reply, body, etag, encoder);
  reply.header('etag', variant);
  if (ifNoneMatchHits(request.headers['if-none-match'], variant)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(body);
}

/** The Cache-Control of every public response: one string, made once. */
export function publicCacheControl(maxAgeSeconds: number, staleWhileRevalidateSeconds: number): string {
  return `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${staleWhileRevalidateSeconds}`;
}

/**
 * Public GETs: a strong ETag and 304s, Cache-Control and Surrogate-Key headers for CDNs, and an
 * in-memory cache of serialized bodies that later requests are answered from before any handler runs.
 */
export function createHttpCaching({ maxAgeSeconds, staleWhileRevalidateSeconds, cache }: CachingOptions) {
  /** The cache's generation when each anonymous read was looked up and missed: what its `set` is checked against. */
  const readsSince = new WeakMap<FastifyRequest, number>();
  const publicControl = publicCacheControl(maxAgeSeconds, staleWhileRevalidateSeconds);

  function publicHeaders(reply: FastifyReply, keys: readonly string[]) {
    reply.header('cache-control', publicControl);
    varyOnAuthorization(reply);
    if (keys.length > 0) {
      reply.header('surrogate-key', keys.join(' '));
      reply.header('cache-tag', keys.join(','));
    }
  }

  const redirect: CacheableRedirect = (request, reply, location, keys) => {
    if (isShareable(request)) publicHeaders(reply, keys);
    else {
      reply.header('cache-control', 'private, no-cache');
      varyOnAuthorization(reply);
    }
    return reply.redirect(location, 301);
  };

  const send: CacheableSender = (request, reply, schema, value, options = {}) => {
    const body = serializerFor(schema, request)(value);
    return sendBody(request, reply, body, etagOf(body, options.etagPrefix), options);
  };

  const sendDocument: DocumentSender = (request, reply, body, { keys, etag }) =>
    sendBody(request, reply, body, etag ?? etagOf(body), { keys });

  function sendBody(
    request: FastifyRequest,
    reply: FastifyReply,
    body: string | Buffer,
    etag: string,
    options: SendOptions,
  ) {
    if (options.private || !isShareable(request)) {
      reply.header('cache-control', 'private, no-cache');
      varyOnAuthorization(reply);
      return sendWithValidator(request, reply, body, etag);
    }
    const keys = options.keys ?? [];
    // A read with no generation noted was never looked up (a route outside the cached context): not stored.
    const since = readsSince.get(request);
    let encoder: Encoder | undefined;
    if (cache && options.keys && since !== undefined) {
      const url = cacheKeyOf(request);
      // The cache keeps text; bytes (a page of stored teasers) are decoded once, for it alone.
      const text = typeof body === 'string' ? body : body.toString();
      // Stored, its compressed bodies are kept with it: the next reader in that coding gets them.
      if (cache.set(url, { body: text, etag, keys }, since)) {
        encoder = (coding) => cache.variant(url, text, coding);
        // This URL, as sent, was routed and validated into `url`: it may be answered before either next time.
        cache.alias(request.url, url);
      }
    }
    publicHeaders(reply, keys);
    return sendWithValidator(request, reply, body, etag, encoder);
  }

  /**
   * preHandler hook: answers an anonymous GET from the cache when it holds the request. It runs
   * after validation, since the key is the validated request; a request the schema refuses is
   * answered 400 and never looked up or stored.
   */
  async function serveFromCache(request: FastifyRequest, reply: FastifyReply) {
    if (!cache || !isRead(request) || request.headers.authorization !== undefined) return;
    const url = cacheKeyOf(request);
    const hit = cache.get(url);
    if (!hit) {
      // Noted before the handler reads anything, so a purge during the read keeps its result out.
      readsSince.set(request, cache.generation);
      return;
    }
    cache.alias(request.url, url);
    publicHeaders(reply, hit.keys);
    reply.header('x-cache', 'hit');
    return sendWithValidator(request, reply, hit.body, hit.etag, (coding) => cache.variant(url, hit.body, coding));
  }

  return { send, sendDocument, redirect, serveFromCache };
}
