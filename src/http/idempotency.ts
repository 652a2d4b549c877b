import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ConflictError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import type { IpHasher } from '../shared/ip-hash.js';
import { callerKey } from './access.js';
import { PENDING, type StoredResponse } from './idempotency-record.js';
import type { IdempotencyRepository } from './idempotency-repository.js';
import { createUnsettled } from './idempotency-unsettled.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A retry carrying the same Idempotency-Key gets the first response instead of writing again. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency: { scope: string; key: string; requestHash: string } | null;
  }
}

/** A first attempt that has not answered within this time is taken to have died with its process. */
const ABANDONED_AFTER_MS = 60_000;
const RETENTION_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60_000;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1 to 255 visible ASCII characters')
  .meta({ description: 'Makes the request safe to retry: a retry with the same key and body gets the first response' });

/**
 * Which answers a retry replays. Token holders get Stripe's rule: the first result, a 4xx included,
 * is the result of the key, so a retry never turns a refused write into a different one; but never
 * a 429, whose Retry-After invites the very retry that would replay it. For anonymous callers, whose
 * scope is an address many people may share, only a success is kept: a stored 404 or 409 would
 * answer a later request from the same address with a stale refusal, and says what someone else
 * behind the address was told. A 5xx is never kept: the write may be tried again.
 */
export function remembersAnswer(statusCode: number, caller: 'token' | 'anonymous'): boolean {
  if (statusCode >= 200 && statusCode < 300) return true;
  return caller === 'token' && statusCode >= 400 && statusCode < 500 && statusCode !== 429;
}

function hashOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? request.url;
  return createHash('sha256')
    .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

function replay(reply: FastifyReply, stored: StoredResponse) {
  return reply
    .code(stored.statusCode)
    .headers({ ...stored.headers, 'idempotent-replayed': 'true' })
    .send(stored.body === '' ? undefined : stored.body);
}

/**
 * Idempotency-Key for any route that sets `config: { idempotent: true }`: the header is documented
 * and validated, the first response is stored (as remembersAnswer says), a retry with the same key and body
 * replays it without running the handler, the same key with another body is a 422, and a duplicate
 * that arrives while the first attempt runs is a 409, so a write can never happen twice.
 * Returns whether outcomes are waiting to be written, which the next request of this context settles.
 */
export function registerIdempotency(
  app: FastifyInstance,
  { repo, clock, hashIp }: { repo: IdempotencyRepository; clock: Clock; hashIp: IpHasher },
): { waiting: () => boolean } {
  let prunedAt = Number.NEGATIVE_INFINITY;
  const unsettled = createUnsettled(repo);

  app.decorateRequest('idempotency', null);

  // Any request will do, so a refused outcome is written as soon as the database takes writes again.
  // Callback style: while nothing waits, which is nearly always, a request goes on without a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    if (unsettled.size === 0) {
      done();
      return;
    }
    unsettled.settle(request.log).then(() => done(), done);
  });

  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    const schema = (route.schema ?? {}) as { headers?: unknown };
    const key = { 'idempotency-key': IdempotencyKeySchema.optional() };
    // Loose, so validating the headers never strips the ones this schema does not name.
    const headers = schema.headers instanceof z.ZodObject ? schema.headers.extend(key) : z.looseObject(key);
    // Its 409 and 422 are declared with the other implied statuses (src/http/implied-responses.ts).
    route.schema = { ...route.schema, headers };
  });

  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config.idempotent) return;
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string') return;
    // Keys are per caller: two tokens (or two anonymous addresses) may use the same key without meeting.
    const scope = callerKey(request, hashIp);
    const requestHash = hashOf(request);
    const now = clock.now();
    // Keys are remembered for a day, which covers any client's retries; older ones are dropped
    // at most once a minute, so the table stays small without a timer.
    if (now - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = now;
      try {
        await repo.prune(now - RETENTION_MS);
      } catch (err) {
        // Housekeeping only: a minute later another request prunes.
        request.log.warn({ err }, 'pruning idempotency keys failed');
      }
    }
    const kept = unsettled.find(scope, key);
    const existing =
      kept?.response && kept.requestHash === requestHash
        ? { requestHash, ...kept.response }
        : await repo.claim(scope, key, requestHash, now, now - ABANDONED_AFTER_MS);
    if (existing === null) {
      request.idempotency = { scope, key, requestHash };
      return;
    }
    if (existing.requestHash !== requestHash) {
      throw new AppError('unprocessable', 'This Idempotency-Key was already used with another request; use a new key');
    }
    if (existing.statusCode === PENDING) {
      throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly');
    }
    return replay(reply, existing);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    const caller = request.principal ? 'token' : 'anonymous';
    const storable = payload === null || payload === undefined || typeof payload === 'string';
    let response: StoredResponse | null = null;
    if (remembersAnswer(reply.statusCode, caller) && storable) {
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      response = { statusCode: reply.statusCode, headers, body: payload ?? '' };
    }
    try {
      if (response) await repo.complete(claim.scope, claim.key, response);
      else await repo.release(claim.scope, claim.key);
    } catch (err) {
      // The answer is decided (a write may have committed): it goes out as it is, and the outcome waits.
      request.log.error({ err }, 'idempotency outcome not recorded yet; kept for a later request');
      unsettled.keep({ ...claim, response }, request.log);
    }
    return payload;
  });
  return { waiting: () => unsettled.size > 0 };
}
