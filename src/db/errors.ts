import { BadRequestError, ConflictError, UnavailableError } from '../errors.js';
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
  '40P01',
]);
/** The busy timeout has already waited; a second or so is enough for the writer to finish. */
const BUSY_RETRY_AFTER_S = 1;

/**
 * The database server cannot be reached or is going away: the socket's own errors, PostgreSQL's
 * admin_shutdown, crash_shutdown, cannot_connect_now and too_many_connections, and (by prefix) its
 * whole class 08, connection exceptions.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/**
 * What node-postgres says, with no code, when its pool finds no connection in time or a
 * connection dies under a query.
 */
const UNREACHABLE_MESSAGE =
  /^(timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Client was closed and is not queryable)/;
/** Nothing says when a database that stopped answering comes back: a few seconds between tries. */
export const UNREACHABLE_RETRY_AFTER_S = 5;

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

/** True when the statement failed because the database server could not be reached, not because of the statement. */
export function isDatabaseUnreachable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, message, cause } = current as DriverError;
    if (typeof code === 'string' && (UNREACHABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
    current = cause;
  }
  return false;
}

/**
 * Maps both engines' constraint errors, busy refusals and lost connections to domain errors and rethrows anything else unchanged.
 * `what` names the thing being written, for the problem's detail.
 */
/**
 * PostgreSQL refusing a value the request carried: text with NUL (22021, 22P05), a number past its
 * column (22003), text where a number belongs (22P02). Validation refuses each of these first; this
 * is the net under it, so a value it missed is the client's 400, never a 500.
 */
const PG_UNSTORABLE = new Set(['22021', '22P05', '22003', '22P02']);

export function isUnstorableValue(err: unknown): boolean {
  const code = driverCode(err);
  return code !== undefined && PG_UNSTORABLE.has(code);
}

export function toDomainError(err: unknown, what = 'resource'): unknown {
  const code = driverCode(err);
  if (code && PG_UNSTORABLE.has(code)) {
    return new BadRequestError('The request holds a value the database cannot store or compare');
  }
  if (code && (SQLITE_UNIQUE.has(code) || code === PG_UNIQUE)) {
    return new ConflictError(`A ${what} with the same unique value already exists`);
  }
  if (code === SQLITE_FOREIGN_KEY || code === PG_FOREIGN_KEY) {
    return new ConflictError(`The ${what} refers to something that does not exist or is still in use`);
  }
  if (code && BUSY.has(code)) {
    return new UnavailableError('The database is busy with another writer; retry shortly', BUSY_RETRY_AFTER_S);
  }
  if (isDatabaseUnreachable(err)) {
    return new UnavailableError('The database does not answer; retry shortly', UNREACHABLE_RETRY_AFTER_S);
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
