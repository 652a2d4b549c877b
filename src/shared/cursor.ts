import { BadRequestError } from '../errors.js';

/**
 * Keyset cursors are opaque to clients: base64url of a JSON array of the last row's sort keys.
 * A cursor that does not decode to the expected shape is a 400 naming the parameter.
 */
export function encodeCursor(keys: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/** The largest value of a 32-bit integer column (ids, revision numbers) and of a `real` (a search score). */
const MAX_INT32 = 2_147_483_647;
const MAX_REAL = 3.4e38;

/**
 * `integer`: a millisecond time or any whole number; `id`: a row id or revision number (a 32-bit
 * column); `number`: a search score. A key PostgreSQL could not compare (past its column's range,
 * or text with NUL) is refused here, so a forged cursor is a 400 on both engines, never a 500.
 */
type KeyType = 'string' | 'integer' | 'id' | 'number';
const KEY_CHECKS: Record<KeyType, (key: unknown) => boolean> = {
  string: (key) => typeof key === 'string' && !key.includes('\0'),
  integer: (key) => Number.isSafeInteger(key),
  id: (key) => Number.isInteger(key) && (key as number) >= 0 && (key as number) <= MAX_INT32,
  number: (key) => typeof key === 'number' && Number.isFinite(key) && Math.abs(key) <= MAX_REAL,
};

/** `param` names the query parameter that carried the cursor, for the 400's `errors`. */
export function decodeCursor<T extends readonly KeyType[]>(
  cursor: string,
  shape: T,
  param = 'cursor',
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  const invalid = () =>
    new BadRequestError('The cursor is not one this server issued', [
      { in: 'query', path: param, message: 'is malformed; pass meta.next_cursor unchanged' },
    ]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw invalid();
  }
  if (!Array.isArray(keys) || keys.length !== shape.length) throw invalid();
  const values = keys as unknown[];
  shape.forEach((type, i) => {
    const key = values[i];
    if (!KEY_CHECKS[type](key)) throw invalid();
  });
  return keys as { [K in keyof T]: T[K] extends 'string' ? string : number };
}

export interface Page<T> {
  data: T[];
  meta: { next_cursor: string | null };
}

/**
 * A page from a keyset query that fetched `limit + 1` rows: the extra row only says that a next
 * page exists, and the cursor holds the sort keys of the last row shown.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
  keysOf: (last: R) => readonly (string | number)[],
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    data: shown.map(map),
    meta: { next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keysOf(last)) : null },
  };
}
