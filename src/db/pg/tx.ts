import { UnavailableError } from '../../errors.js';
import { driverCode } from '../errors.js';
import type { PgDatabase, PgTransaction } from './client.js';

/** serialization_failure and deadlock_detected: the transaction lost a race and may run again as is. */
const RETRYABLE = new Set(['40001', '40P01']);
export const MAX_ATTEMPTS = 6;
const BASE_DELAY_MS = 4;

export function isRetryable(err: unknown): boolean {
  const code = driverCode(err);
  return code !== undefined && RETRYABLE.has(code);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One transaction at `isolationLevel`, run again after a lost race (40001, 40P01), then a 503. */
async function retrying<T>(
  db: PgDatabase,
  isolationLevel: 'serializable' | 'read committed',
  work: (tx: PgTransaction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work, { isolationLevel });
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= MAX_ATTEMPTS) {
        throw new UnavailableError('The database is busy with other writers; retry shortly', 1);
      }
      await pause(Math.random() * BASE_DELAY_MS * 2 ** attempt);
    }
  }
}

/**
 * Runs `work` as one SERIALIZABLE transaction, and runs it again when it loses a race to another
 * one (40001, 40P01), after a short random pause that doubles each time. PostgreSQL then makes
 * every read-check-write path behave as if transactions ran one after another, as SQLite's single
 * writer does. Past MAX_ATTEMPTS the caller gets a 503 to retry, never a 500.
 *
 * `work` may run more than once: it must do nothing but database work through `tx`.
 */
export function withTransaction<T>(db: PgDatabase, work: (tx: PgTransaction) => Promise<T>): Promise<T> {
  return retrying(db, 'serializable', work);
}

/**
 * Runs `work` as one READ COMMITTED transaction, for commands whose first statement locks the
 * row they serialize on (an article whose comment count they keep). Under SERIALIZABLE a command
 * that waited for such a lock fails with 40001 once it is granted, since the row changed after its
 * snapshot: twenty comments approved at once on one article cost each up to MAX_ATTEMPTS tries,
 * and some a 503. Here each statement sees what committed before it, so a command that waited
 * reads its predecessor's work and goes on. Whatever it reads must be guarded by that lock.
 * Retried only on deadlock (40P01); `work` may run more than once, as for withTransaction.
 */
export function withLockingTransaction<T>(db: PgDatabase, work: (tx: PgTransaction) => Promise<T>): Promise<T> {
  return retrying(db, 'read committed', work);
}
