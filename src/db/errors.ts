import { ConflictError, UnavailableError } from '../errors.js';
import type { Database } from './client.js';

interface DriverError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

const SQLITE_UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const SQLITE_FOREIGN_KEY = 'SQLITE_CONSTRAINT_FOREIGNKEY';
const PG_UNIQUE = '23505';
const PG_FOREIGN_KEY = '23503';
/**
 * Another connection holds the write lock (or, for BUSY_SNAPSHOT, committed since this one read):
 * the request may succeed as sent a moment later. PostgreSQL's lock_not_available and
 * serialization_failure are the same situation.
 */
const BUSY = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  'SQLITE_LOCKED_SHAREDCACHE',
  '55P03',
  '40001',
]);
/** The busy timeout has already waited; a second or so is enough for the writer to finish. */
const BUSY_RETRY_AFTER_S = 1;

/** Walks `cause` (Drizzle >= 0.44 wraps driver errors in DrizzleQueryError) to the driver's own error. */
export function driverCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, cause } = current as DriverError;
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

/** True when the database refused the statement only because another connection was writing. */
export function isDatabaseBusy(err: unknown): boolean {
  const code = driverCode(err);
  return code !== undefined && BUSY.has(code);
}

/**
 * Maps both engines' constraint errors and busy refusals to domain errors and rethrows anything else unchanged.
 * `what` names the thing being written, for the problem's detail.
 */
export function toDomainError(err: unknown, what = 'resource'): unknown {
  const code = driverCode(err);
  if (code && (SQLITE_UNIQUE.has(code) || code === PG_UNIQUE)) {
    return new ConflictError(`A ${what} with the same unique value already exists`);
  }
  if (code === SQLITE_FOREIGN_KEY || code === PG_FOREIGN_KEY) {
    return new ConflictError(`The ${what} refers to something that does not exist or is still in use`);
  }
  if (code && BUSY.has(code)) {
    return new UnavailableError('The database is busy with another writer; retry shortly', BUSY_RETRY_AFTER_S);
  }
  return err;
}

/**
 * Runs `write` (synchronous, as every better-sqlite3 statement and transaction is) without waiting
 * on busy_timeout: when another connection holds the write lock it is refused at once, as an
 * UnavailableError. For work a request does on the side (a due schedule, a token's last use),
 * which must never hold the event loop, and so every request, while another process writes.
 * Nothing else can run on the connection while the timeout is lowered: the driver is synchronous.
 */
export function withoutWaiting<T>(db: Database, write: () => T): T {
  const client = db.$client;
  const timeout = Number(client.pragma('busy_timeout', { simple: true }));
  client.pragma('busy_timeout = 0');
  try {
    return write();
  } catch (err) {
    throw isDatabaseBusy(err) ? toDomainError(err) : err;
  } finally {
    client.pragma(`busy_timeout = ${timeout}`);
  }
}
