import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import {
  isDatabaseBusy,
  isDatabaseUnreachable,
  isUnstorableValue,
  toDomainError,
  withoutWaiting,
} from '../../src/db/errors.js';
import { BadRequestError, ConflictError, UnavailableError } from '../../src/errors.js';

const sqlite = (code: string) => Object.assign(new Error('constraint failed'), { code });
const drizzleWrapped = (cause: unknown) => Object.assign(new Error('Failed query'), { cause });
const pg = (code: string, message = 'duplicate key') => Object.assign(new Error(message), { code, severity: 'ERROR' });

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

  it.each([
    ['better-sqlite3 busy', sqlite('SQLITE_BUSY')],
    ['better-sqlite3 stale snapshot wrapped by Drizzle', drizzleWrapped(sqlite('SQLITE_BUSY_SNAPSHOT'))],
    ['better-sqlite3 locked', sqlite('SQLITE_LOCKED')],
    ['pg lock not available', drizzleWrapped(pg('55P03'))],
  ])('maps %s to a 503 with Retry-After', (_, err) => {
    const mapped = toDomainError(err);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped).toMatchObject({
      status: 503,
      code: 'unavailable',
      message: 'The database is busy with another writer; retry shortly',
      headers: { 'retry-after': '1' },
    });
    expect(isDatabaseBusy(err)).toBe(true);
  });

  it('says what a foreign-key violation means, for the thing written or a resource', () => {
    expect(toDomainError(sqlite('SQLITE_CONSTRAINT_FOREIGNKEY'), 'comment')).toMatchObject({
      status: 409,
      message: 'The comment refers to something that does not exist or is still in use',
    });
    expect(toDomainError(sqlite('SQLITE_CONSTRAINT_UNIQUE'))).toMatchObject({
      status: 409,
      message: 'A resource with the same unique value already exists',
    });
  });

  it('returns errors without a driver code within five causes unchanged, however their causes are shaped', () => {
    const cyclic: Error & { cause?: unknown } = new Error('cyclic');
    cyclic.cause = cyclic;
    const deep = [1, 2, 3, 4, 5].reduce<unknown>((cause) => drizzleWrapped(cause), sqlite('SQLITE_BUSY'));
    for (const err of [new Error('plain'), drizzleWrapped(null), drizzleWrapped('text'), cyclic, deep, null, 'text']) {
      expect(toDomainError(err)).toBe(err);
      expect(isDatabaseBusy(err)).toBe(false);
    }
    const wrappedFourTimes = [1, 2, 3, 4].reduce<unknown>((cause) => drizzleWrapped(cause), sqlite('SQLITE_BUSY'));
    expect(isDatabaseBusy(wrappedFourTimes)).toBe(true);
  });

  it.each([
    ['NUL in text', '22021'],
    ['a character the encoding lacks', '22P05'],
    ['a number past its column', '22003'],
    ['text where a number belongs', '22P02'],
  ])('maps PostgreSQL refusing %s to a 400, the client’s to fix', (_, code) => {
    const err = drizzleWrapped(pg(code));
    expect(isUnstorableValue(err)).toBe(true);
    const mapped = toDomainError(err);
    expect(mapped).toBeInstanceOf(BadRequestError);
    expect((mapped as BadRequestError).message).toBe('The request holds a value the database cannot store or compare');
    expect(isUnstorableValue(pg('22000'))).toBe(false);
    expect(isUnstorableValue(sqlite('SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
  });

  it('rethrows anything else unchanged', () => {
    const other = sqlite('SQLITE_CORRUPT');
    expect(toDomainError(other)).toBe(other);
    expect(isDatabaseBusy(other)).toBe(false);
    const plain = new TypeError('x');
    expect(toDomainError(plain)).toBe(plain);
  });
});

describe('withoutWaiting', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'fjord-wait-')), 'wait.db');
  const database = openDatabase(path, { busyTimeoutMs: 750 });
  const other = new BetterSqlite3(path);
  afterAll(() => {
    other.close();
    database.close();
  });
  const timeout = () => database.sqlite.pragma('busy_timeout', { simple: true });

  it('refuses at once with an UnavailableError while another connection writes, and restores the busy timeout', () => {
    database.sqlite.exec('create table if not exists t (x)');
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(() => withoutWaiting(database.db, () => database.sqlite.exec('insert into t values (1)'))).toThrow(
        UnavailableError,
      );
    } finally {
      other.exec('ROLLBACK');
    }
    expect(timeout()).toBe(750);
    expect(withoutWaiting(database.db, () => database.sqlite.prepare('insert into t values (2)').run().changes)).toBe(
      1,
    );
    expect(timeout()).toBe(750);
  });

  it('rethrows any other error unchanged', () => {
    const thrown = new TypeError('not busy');
    expect(() =>
      withoutWaiting(database.db, () => {
        throw thrown;
      }),
    ).toThrow(thrown);
    expect(timeout()).toBe(750);
  });
});

describe('a database that cannot be reached', () => {
  const socket = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
  const pgServer = (code: string) => Object.assign(new Error('terminating connection'), { code, severity: 'FATAL' });

  it.each([
    ['a refused connection', socket('ECONNREFUSED')],
    ['a reset connection, wrapped by Drizzle', drizzleWrapped(socket('ECONNRESET'))],
    ['a connection attempt that timed out', socket('ETIMEDOUT')],
    ['a socket closed under a write', socket('EPIPE')],
    ['an unreachable host', socket('EHOSTUNREACH')],
    ['an unreachable network', socket('ENETUNREACH')],
    ['a host name that does not resolve', socket('ENOTFOUND')],
    ['a name server that does not answer', socket('EAI_AGAIN')],
    ['admin_shutdown (pg_terminate_backend, a server stopping)', drizzleWrapped(pgServer('57P01'))],
    ['crash_shutdown', pgServer('57P02')],
    ['cannot_connect_now (a server starting up)', pgServer('57P03')],
    ['too_many_connections', pgServer('53300')],
    ['connection_failure (class 08)', pgServer('08006')],
    ['the protocol class 08P01', pgServer('08P01')],
    ['a pool that found no connection in time', new Error('timeout exceeded when trying to connect')],
    ['a connection that died under a query', drizzleWrapped(new Error('Connection terminated unexpectedly'))],
    ['a client whose connection failed', new Error('Client has encountered a connection error and is not queryable')],
    ['a client already closed', new Error('Client was closed and is not queryable')],
    [
      'a lost server four causes deep',
      [1, 2, 3, 4].reduce<unknown>((cause) => drizzleWrapped(cause), socket('ECONNREFUSED')),
    ],
  ])('maps %s to a 503 with Retry-After', (_, err) => {
    expect(isDatabaseUnreachable(err)).toBe(true);
    expect(toDomainError(err)).toMatchObject({
      status: 503,
      code: 'unavailable',
      message: 'The database does not answer; retry shortly',
      headers: { 'retry-after': '5' },
    });
  });

  it.each([
    ['a unique violation', pg('23505')],
    ['a syntax error', pg('42601')],
    ['a plain error', new Error('boom')],
    ['something not an error', 'boom'],
    // A value the client sent, quoted back in the message, is not the pool speaking.
    [
      'a refused value that quotes a pool message',
      pg('22P02', 'invalid input syntax for type integer: "Connection terminated"'),
    ],
    [
      'a lost server more than five causes deep',
      [1, 2, 3, 4, 5].reduce<unknown>((cause) => drizzleWrapped(cause), socket('ECONNREFUSED')),
    ],
  ])('leaves %s alone', (_, err) => {
    expect(isDatabaseUnreachable(err)).toBe(false);
  });
});
