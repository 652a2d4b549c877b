import { BadRequestError } from '../errors.js';

/**
 * Keyset cursors are opaque to clients: base64url of a JSON array of the last row's sort keys.
 * A cursor that does not decode to the expected shape is a 400 naming the parameter.
 */
export function encodeCursor(keys: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

type KeyType = 'string' | 'integer' | 'number';
const KEY_CHECKS: Record<KeyType, (key: unknown) => boolean> = {
  string: (key) => typeof key === 'string',
  integer: (key) => Number.isSafeInteger(key),
  number: (key) => typeof key === 'number' && Number.isFinite(key),
};

export function decodeCursor<T extends readonly KeyType[]>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  const invalid = () =>
    new BadRequestError('The cursor is not one this server issued', [
      { in: 'query', path: 'cursor', message: 'is malformed; pass meta.next_cursor unchanged' },
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
