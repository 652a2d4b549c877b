import { ConflictError } from '../errors.js';

interface DriverError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

const SQLITE_UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const SQLITE_FOREIGN_KEY = 'SQLITE_CONSTRAINT_FOREIGNKEY';
const PG_UNIQUE = '23505';
const PG_FOREIGN_KEY = '23503';

/** Walks `cause` (Drizzle >= 0.44 wraps driver errors in DrizzleQueryError) to the driver's own error. */
function driverCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, cause } = current as DriverError;
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

/**
 * Maps both engines' constraint errors to domain errors and rethrows anything else unchanged.
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
  return err;
}
