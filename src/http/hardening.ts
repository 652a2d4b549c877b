import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError, BadRequestError, type FieldError, ValidationError } from '../errors.js';
import type { IpHasher } from '../shared/ip-hash.js';
import { illFormedPaths } from '../shared/unicode.js';
import { callerKey } from './access.js';
import type { SharedRateLimitStore } from './rate-limit-store.js';
import { declaredParameters, parameterErrors } from './strict-query.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The headers OWASP's REST Security Cheat Sheet asks of a JSON API: nothing may be sniffed, framed
 * or loaded by a response, and no referrer leaks. CORS, not CORP, decides which origins may read it.
 * /docs replaces the CSP with its own (src/http/openapi.ts). HSTS belongs to the TLS terminator.
 */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'cross-origin',
} as const;
const OVERLOAD_RETRY_AFTER_S = 10;

const ILL_FORMED = 'must be well-formed Unicode text: it holds a lone surrogate, which no character encodes';

/**
 * preValidation hook: a body holding a string with a lone surrogate (JSON "\ud800") anywhere is
 * refused, whatever the route's schema says of it: it cannot be stored as UTF-8. Only a JSON body
 * can carry one: the path's and query's percent-encoding decodes to UTF-8 text or not at all.
 */
async function refuseIllFormedText(request: FastifyRequest) {
  // Only what the route reads: a route that declares no query ignores it, NUL or not.
  const schema = request.routeOptions.schema;
  if (schema?.params) refuseNul(request.params, 'params');
  if (schema?.querystring) refuseNul(request.query, 'query');
  refuseUndeclared(request);
  const paths = illFormedPaths(request.body);
  if (paths.length === 0) return;
  const errors = paths.map((path): FieldError => ({ in: 'body', path, message: ILL_FORMED }));
  throw new ValidationError(`Invalid body: ${paths.map((p) => p || 'the body itself').join(', ')}`, errors);
}

/**
 * Unknown query parameters and numbers not in plain decimal digits are a 400 naming them: a
 * parameter a route does not read would otherwise be silently ignored, and coercion would take
 * `0x10` or `1e2` for a number. A route that declares no query takes none.
 */
function refuseUndeclared(request: FastifyRequest): void {
  // The API's routes (each declares its access); /docs serves its assets as it likes.
  if (request.routeOptions.config.access === undefined) return;
  const schema = request.routeOptions.schema;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const errors = [
    ...parameterErrors(query, schema?.querystring ? declaredParameters(schema.querystring) : new Map(), 'query'),
    ...(schema?.params
      ? parameterErrors((request.params ?? {}) as Record<string, unknown>, declaredParameters(schema.params), 'params')
      : []),
  ];
  if (errors.length === 0) return;
  const where = [...new Set(errors.map((e) => e.in))].join(' and ');
  const names = errors.map((e) => (e.path === '' ? '(a parameter with no name)' : e.path));
  // bad_request, as the schema validator answers a bad query or path.
  throw new BadRequestError(`Invalid ${where}: ${names.join(', ')}`, errors);
}

const NUL_MESSAGE = 'must not contain the NUL character (%00)';

/**
 * A path or query value holding U+0000 (`%00`) names nothing Fjord can store: PostgreSQL refuses
 * the character in text outright. It is refused with a 400 on both engines, before any lookup.
 * (Body text is held to the same by its schemas, which refuse every control character.)
 */
function refuseNul(values: unknown, where: 'params' | 'query'): void {
  if (values === null || typeof values !== 'object') return;
  const names = Object.entries(values)
    .filter(([, value]) =>
      (Array.isArray(value) ? value : [value]).some((v) => typeof v === 'string' && v.includes('\0')),
    )
    .map(([name]) => name);
  if (names.length === 0) return;
  throw new ValidationError(
    `Invalid ${where}: ${names.join(', ')}`,
    names.map((path): FieldError => ({ in: where, path, message: NUL_MESSAGE })),
  );
}

/**
 * Counts a write that access control refuses with 401 against its address's budget, and throws the
 * 429 once that budget is spent: otherwise those refusals, sent before the limiter runs, would let
 * anyone guess tokens without limit.
 */
export type RefusalLimiter = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const NO_LIMIT: RefusalLimiter = async () => {};

export interface HardeningOptions {
  /**
   * Where write budgets are counted, shared by every node (src/http/rate-limit-store.ts); closed
   * with the app. Absent, they are counted in this process's memory, as one SQLite node needs.
   */
  rateLimitStore?: SharedRateLimitStore | undefined;
}

/**
 * Protections every deployment needs: security headers for a JSON API, write rate limits with the IETF RateLimit headers,
 * and load shedding with 503 + Retry-After when the event loop is saturated. `hashIp` is the app's
 * one address hasher. Returns the limiter for refused writes, to hand to access control.
 */
export async function registerHardening(
  app: FastifyInstance,
  config: Config,
  hashIp: IpHasher,
  { rateLimitStore }: HardeningOptions = {},
): Promise<RefusalLimiter> {
  // Set once per request from a constant: the header set of a JSON API does not vary.
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.addHook('preValidation', refuseIllFormedText);

  if (rateLimitStore) app.addHook('onClose', () => rateLimitStore.close());
  if (config.RATE_LIMIT_MAX > 0) {
    // Keys are kept in this process's memory, or in the shared store; the hash keeps addresses out
    // of heap dumps and of Redis and the database all the same.
    await app.register(rateLimit, {
      ...rateLimitStore?.options,
      global: true,
      hook: 'preHandler',
      max: config.RATE_LIMIT_MAX,
      timeWindow: config.RATE_LIMIT_WINDOW_S * 1000,
      enableDraftSpec: true,
      // After access control, so `principal` is known; a write refused there for a bad or missing
      // token has none and spends its address's budget (see RefusalLimiter).
      keyGenerator: (request) => callerKey(request, hashIp),
      allowList: (request) => SAFE_METHODS.has(request.method),
      errorResponseBuilder: (_request, context) =>
        new AppError(
          'too_many_requests',
          `More than ${context.max} writes in ${config.RATE_LIMIT_WINDOW_S} s; retry after ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
  }
  // The same store, key and answers as the limiter of every route: shared by the nodes when the store is.
  const limitRefusals = config.RATE_LIMIT_MAX > 0 ? app.rateLimit() : NO_LIMIT;

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
  return limitRefusals;
}
