import type { FastifyBaseLogger } from 'fastify';
import type { StoredResponse } from './idempotency-record.js';
import type { IdempotencyRepository } from './idempotency-repository.js';

/** Answers waiting in memory for the database to take them; past this the oldest is given up (and logged). */
const MAX_UNSETTLED = 1000;

/** A first attempt's outcome the database refused to record: its answer, or null when the claim is to be released. */
export interface Outcome {
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
 * key stays pending, and a retry is refused with 409 until the claim counts as abandoned (a minute) and then runs the
 * write again, as after a crash between the commit and the bookkeeping. A retry that reaches
 * another process before this one has written the answer gets the 409 meanwhile. Recording the
 * answer inside the write's own transaction would close this, but the answer (the serialized
 * body) only exists after that transaction has committed.
 */
export function createUnsettled(repo: Pick<IdempotencyRepository, 'complete' | 'release'>, max = MAX_UNSETTLED) {
  const waiting = new Map<string, Outcome>();
  const idOf = (scope: string, key: string) => `${scope}\n${key}`;
  return {
    get size() {
      return waiting.size;
    },
    keep(outcome: Outcome, log: FastifyBaseLogger) {
      if (waiting.size >= max) {
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
