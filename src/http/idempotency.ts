import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ConflictError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import type { IpHasher } from '../shared/ip-hash.js';
import { type IdempotencyRepository, PENDING, type StoredResponse } from './idempotency-repository.js';

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
/** Answers waiting in memory for the database to take them; past this the oldest is given up (and logged). */
const MAX_UNSETTLED = 1000;

export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1 to 255 visible ASCII characters')
  .meta({ description: 'Makes the request safe to retry: a retry with the same key and body gets the first response' });

/** Keys are per caller: a token, or for anonymous callers a keyed hash of their address (never the address). */
function scopeOf(request: FastifyRequest, hashIp: IpHasher): string {
  return request.principal ? `token:${request.principal.tokenId}` : `ip:${hashIp(request.ip)}`;
}

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

/** A first attempt's outcome the database refused to record: its answer, or null when the claim is to be released. */
interface Outcome {
  scope: string;
  key: string;
  requestHash: string;
  response: StoredResponse | null;
}

/**
 * Bookkeeping that runs after the handler, when the write (if any) has committed and the answer
 * is decided, must never change that answer: a database busy with another process's write would
 * otherwise turn a stored change into a 503 and leave the key pending, so the retry would get a
 * 409 and, once the claim counts as abandoned, write a second time. What the database refuses is
 * kept here and written by the next request this process serves, before any claim is read, so a
 * retry finds the first answer (or a released key) as if nothing had happened.
 *
 * What remains: kept in memory only. If this process stops before a later request writes it, the
 * key stays pending, and a retry is refused with 409 until ABANDONED_AFTER_MS and then runs the
 * write again, as after a crash between the commit and the bookkeeping. A retry that reaches
 * another process before this one has written the answer gets the 409 meanwhile. Recording the
 * answer inside the write's own transaction would close this, but the answer (the serialized
 * body) only exists after that transaction has committed.
 */
function createUnsettled(repo: IdempotencyRepository) {
  const waiting = new Map<string, Outcome>();
  const idOf = (scope: string, key: string) => `${scope}\n${key}`;
  return {
    get size() {
      return waiting.size;
    },
    keep(outcome: Outcome, log: FastifyBaseLogger) {
      if (waiting.size >= MAX_UNSETTLED) {
        const [oldest] = waiting.values();
        if (oldest) waiting.delete(idOf(oldest.scope, oldest.key));
        log.error({ key: oldest?.key }, 'idempotency outcome given up: too many wait for the database');
      }
      waiting.set(idOf(outcome.scope, outcome.key), outcome);
    },
    find(scope: string, key: string): Outcome | undefined {
      return waiting.get(idOf(scope, key));
    },
    /** Writes what waits, oldest first, without waiting on the lock; the first refusal ends the attempt. */
    async settle(log: FastifyBaseLogger) {
      for (const [id, { scope, key, response }] of waiting) {
        try {
          if (response) await repo.complete(scope, key, response, { wait: false });
          else await repo.release(scope, key, { wait: false });
          waiting.delete(id);
        } catch (err) {
          log.warn({ err, waiting: waiting.size }, 'idempotency outcomes not recorded yet: the database refused');
          return;
        }
      }
    },
  };
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
 */
export function registerIdempotency(
  app: FastifyInstance,
  { repo, clock, hashIp }: { repo: IdempotencyRepository; clock: Clock; hashIp: IpHasher },
) {
  let prunedAt = Number.NEGATIVE_INFINITY;
  const unsettled = createUnsettled(repo);

  app.decorateRequest('idempotency', null);

  // Any request will do, so a refused outcome is written as soon as the database takes writes again.
  app.addHook('onRequest', async (request) => {
    if (unsettled.size > 0) await unsettled.settle(request.log);
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
    const scope = scopeOf(request, hashIp);
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
}
