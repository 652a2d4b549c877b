import { describe, expect, it } from 'vitest';
import { toDomainError } from '../../../src/db/errors.js';
import { ConflictError, UnavailableError } from '../../../src/errors.js';
import {
  failureReason,
  isTransient,
  NotPublishableError,
  renderFailure,
} from '../../../src/modules/articles/publishing/schedule-failures.js';

describe('renderFailure', () => {
  it('names the revision and the first line of the error, without its stack or the rest', () => {
    const thrown = new RangeError('Maximum call stack size exceeded\nPlease report this.');
    const err = renderFailure(3, thrown);
    expect(err).toBeInstanceOf(NotPublishableError);
    expect(err.cause).toBe(thrown);
    expect(err.status).toBe(422);
    expect(err.message).toBe(
      'Revision 3 cannot be published: its body could not be rendered to HTML (RangeError: Maximum call stack size exceeded)',
    );
    expect(err.extras).toEqual({
      revision: 3,
      reason: 'its body could not be rendered to HTML (RangeError: Maximum call stack size exceeded)',
    });
  });

  it('bounds a long message and copes with a thrown non-error', () => {
    expect(renderFailure(1, new Error('x'.repeat(10_000))).reason.length).toBeLessThanOrEqual(360);
    expect(renderFailure(1, 'plain string').reason).toBe('its body could not be rendered to HTML (plain string)');
  });
});

describe('reasons stay short and readable', () => {
  it('trims the first line of the error', () => {
    expect(renderFailure(1, new Error('  bad input  \n  at line 2')).reason).toBe(
      'its body could not be rendered to HTML (Error: bad input)',
    );
  });

  it('bounds what a thrown non-error says, and every reason editors read, to 300 characters', () => {
    const thrownString = renderFailure(1, 'y'.repeat(10_000)).reason;
    expect(thrownString).toBe(`its body could not be rendered to HTML (${'y'.repeat(300)})`);
    expect(failureReason(renderFailure(1, new Error('x'.repeat(10_000))))).toHaveLength(300);
    expect(failureReason(new ConflictError('z'.repeat(10_000)))).toBe('z'.repeat(300));
  });
});

describe('failureReason', () => {
  it('keeps what was written for editors, and hides what may carry internals', () => {
    expect(failureReason(renderFailure(2, new TypeError('bad')))).toBe(
      'its body could not be rendered to HTML (TypeError: bad)',
    );
    expect(failureReason(new ConflictError('The slug "x" belongs to another article'))).toBe(
      'The slug "x" belongs to another article',
    );
    expect(failureReason(new Error('Failed query: insert into "articles" ... params: secret'))).toBe(
      'an unexpected error stopped the publication; the server log has the details',
    );
  });
});

describe('isTransient', () => {
  it("is true for the data layer's UnavailableError, with or without a driver cause, whatever the engine", () => {
    expect(isTransient(toDomainError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })))).toBe(
      true,
    );
    expect(isTransient(toDomainError(Object.assign(new Error('lock not available'), { code: '55P03' })))).toBe(true);
    expect(isTransient(new UnavailableError('The database is busy with another writer; retry shortly', 1))).toBe(true);
  });

  it('is true for a database out of reach: a refused or lost connection, a restart, a pool with no free connection', () => {
    const wrapped = (cause: unknown) => Object.assign(new Error('Failed query'), { cause });
    expect(isTransient(wrapped(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })))).toBe(true);
    expect(isTransient(wrapped(Object.assign(new Error('terminating connection'), { code: '57P01' })))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it("is false for anything else, driver codes included: mapping them is the data layer's work", () => {
    expect(isTransient(new Error('disk I/O error'))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false);
    expect(isTransient(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isTransient(renderFailure(1, new RangeError('deep')))).toBe(false);
    expect(isTransient('SQLITE_BUSY')).toBe(false);
  });
});
