import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CachingOptions {
  maxAgeSeconds: number;
  staleWhileRevalidateSeconds: number;
}

/** A strong validator derived from the exact bytes sent: equal bodies, equal tags, on every node. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison, and `*` matches any current representation. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

export type CacheableSender = (
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  options?: { private?: boolean; etagPrefix?: string },
) => FastifyReply;

/**
 * Sends an already serialized JSON body with a strong ETag and answers 304 when the client holds it.
 * Anonymous responses are public (CDN-cacheable); responses that depend on a token are private.
 */
export function createCacheableSender({ maxAgeSeconds, staleWhileRevalidateSeconds }: CachingOptions): CacheableSender {
  const publicControl = `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${staleWhileRevalidateSeconds}`;
  return (request, reply, body, options = {}) => {
    const hashed = etagOf(body);
    const etag = options.etagPrefix ? `"${options.etagPrefix}${hashed.slice(1)}` : hashed;
    reply.header('etag', etag);
    reply.header('cache-control', options.private || request.principal ? 'private, no-cache' : publicControl);
    reply.header('vary', 'Authorization');
    if (ifNoneMatchHits(request.headers['if-none-match'], etag)) {
      return reply.code(304).send();
    }
    return reply.type('application/json; charset=utf-8').send(body);
  };
}
