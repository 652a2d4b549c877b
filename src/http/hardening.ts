import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const OVERLOAD_RETRY_AFTER_S = 10;

/** Writes are limited per token when one is sent, else per client address. */
function rateLimitKey(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  if (authorization) return `token:${createHash('sha256').update(authorization).digest('base64url').slice(0, 22)}`;
  return `ip:${request.ip}`;
}

/**
 * Protections every deployment needs: security headers for a JSON API (the reference page at
 * /docs gets its own CSP from swagger-ui), write rate limits with the IETF RateLimit headers,
 * and load shedding with 503 + Retry-After when the event loop is saturated.
 */
export async function registerHardening(app: FastifyInstance, config: Config) {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    // The API is read by pages on other origins; CORS decides who may, not CORP.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    hsts: false,
  });

  if (config.RATE_LIMIT_MAX > 0) {
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: config.RATE_LIMIT_MAX,
      timeWindow: config.RATE_LIMIT_WINDOW_S * 1000,
      enableDraftSpec: true,
      keyGenerator: rateLimitKey,
      allowList: (request) => SAFE_METHODS.has(request.method),
      errorResponseBuilder: (_request, context) =>
        new AppError(
          'too_many_requests',
          `More than ${context.max} writes in ${config.RATE_LIMIT_WINDOW_S} s; retry after ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
  }

  if (config.MAX_EVENT_LOOP_DELAY_MS > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: config.MAX_EVENT_LOOP_DELAY_MS,
      pressureHandler: async () => {
        throw new AppError(
          'unavailable',
          'The server is overloaded; retry shortly',
          {},
          { 'retry-after': String(OVERLOAD_RETRY_AFTER_S) },
        );
      },
    });
  }
}
