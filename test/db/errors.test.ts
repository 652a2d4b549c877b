import { describe, expect, it } from 'vitest';
import { toDomainError } from '../../src/db/errors.js';
import { ConflictError } from '../../src/errors.js';

const sqlite = (code: string) => Object.assign(new Error('constraint failed'), { code });
const drizzleWrapped = (cause: unknown) => Object.assign(new Error('Failed query'), { cause });
const pg = (code: string) => Object.assign(new Error('duplicate key'), { code, severity: 'ERROR' });

describe('toDomainError', () => {
  it.each([
    ['better-sqlite3 unique', sqlite('SQLITE_CONSTRAINT_UNIQUE')],
    ['better-sqlite3 primary key', sqlite('SQLITE_CONSTRAINT_PRIMARYKEY')],
    ['better-sqlite3 wrapped by Drizzle', drizzleWrapped(sqlite('SQLITE_CONSTRAINT_UNIQUE'))],
    ['pg unique wrapped by Drizzle', drizzleWrapped(pg('23505'))],
  ])('maps %s to a 409 conflict', (_, err) => {
    const mapped = toDomainError(err, 'tag');
    expect(mapped).toBeInstanceOf(ConflictError);
    expect((mapped as ConflictError).message).toBe('A tag with the same unique value already exists');
  });

  it.each([
    ['better-sqlite3', sqlite('SQLITE_CONSTRAINT_FOREIGNKEY')],
    ['pg', drizzleWrapped(pg('23503'))],
  ])('maps a %s foreign-key violation to a 409 conflict', (_, err) => {
    expect(toDomainError(err, 'comment')).toBeInstanceOf(ConflictError);
  });

  it('rethrows anything else unchanged', () => {
    const other = sqlite('SQLITE_BUSY');
    expect(toDomainError(other)).toBe(other);
    const plain = new TypeError('x');
    expect(toDomainError(plain)).toBe(plain);
  });
});
