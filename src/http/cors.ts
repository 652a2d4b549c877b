import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { BadRequestError } from '../errors.js';

const EXPOSED_HEADERS = [
  'Surrogate-Key',
  'ETag',
  'Idempotent-Replayed',
  'Allow',
  'Location',
  'Retry-After',
  'X-Request-Id',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
];
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'If-None-Match',
  'Idempotency-Key',
  'X-Request-Id',
];

/**
 * CORS for browsers on other origins. The API answers OPTIONS only as a CORS preflight; one that
 * lacks Origin or Access-Control-Request-Method is refused here with a problem, because
 * @fastify/cors refuses it with a text/plain body of its own.
 */
export async function registerCors(app: FastifyInstance, origins: Config['CORS_ORIGINS']) {
  // Callback style: the requests that are not OPTIONS go on without a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method !== 'OPTIONS') {
      done();
      return;
    }
    const missing = ['origin', 'access-control-request-method'].filter((name) => !request.headers[name]);
    if (missing.length === 0) {
      done();
      return;
    }
    done(
      new BadRequestError(
        'OPTIONS answers CORS preflight requests only, which send Origin and Access-Control-Request-Method',
        missing.map((name) => ({ in: 'headers' as const, path: name, message: 'is required in a preflight request' })),
      ),
    );
  });
  const allowed = origins === '*' ? null : new Set(origins);
  await app.register(cors, {
    // A listed origin gets CORS headers; any other gets none at all, preflight included.
    origin:
      allowed === null
        ? '*'
        : (origin: string | undefined, done: (error: Error | null, allow: string | false) => void) =>
            done(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}

/** The CORS headers of an answer that is not a preflight, as name, value pairs, and whether Vary names Origin. */
export interface CorsBlock {
  headers: readonly string[];
  varyOrigin: boolean;
}

/**
 * What registerCors sets on an answer that is not a preflight, made once per case: every origin
 * (`*`), or with origins listed, an allowed origin (one block each), and any other or none (Vary
 * only). For answers written without the plugin's hook (src/http/early-hits.ts).
 */
export function corsBlocks(origins: Config['CORS_ORIGINS']): (origin: string | undefined) => CorsBlock {
  const exposed = ['access-control-expose-headers', EXPOSED_HEADERS.join(', ')];
  if (origins === '*') {
    const any: CorsBlock = { headers: ['access-control-allow-origin', '*', ...exposed], varyOrigin: false };
    return () => any;
  }
  const none: CorsBlock = { headers: [], varyOrigin: true };
  const allowed = new Map(
    origins.map((origin): [string, CorsBlock] => [
      origin,
      { headers: ['access-control-allow-origin', origin, ...exposed], varyOrigin: true },
    ]),
  );
  return (origin) => (origin === undefined ? none : (allowed.get(origin) ?? none));
}
