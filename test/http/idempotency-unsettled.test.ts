import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import type { StoredResponse } from '../../src/http/idempotency-record.js';
import { createUnsettled, type Outcome } from '../../src/http/idempotency-unsettled.js';

const busy = () => new UnavailableError('The database is busy with another writer; retry shortly', 1);
const answer = (body: string): StoredResponse => ({ statusCode: 200, headers: {}, body });
const outcome = (key: string, response: StoredResponse | null): Outcome => ({
  scope: 'token:1',
  key,
  requestHash: `hash-${key}`,
  response,
});

/** A repository that records what it was asked to write, and refuses while `refusing` is set. */
function fakeRepo() {
  const state = { refusing: false, written: [] as string[], waited: [] as boolean[] };
  const write = (what: string, wait: boolean | undefined) => {
    state.waited.push(wait ?? true);
    if (state.refusing) throw busy();
    state.written.push(what);
  };
  return {
    state,
    repo: {
      async complete(_scope: string, key: string, response: StoredResponse, options?: { wait?: boolean }) {
        write(`complete ${key} ${response.body}`, options?.wait);
      },
      async release(_scope: string, key: string, options?: { wait?: boolean }) {
        write(`release ${key}`, options?.wait);
      },
    },
  };
}

const errors: object[] = [];
const messages: string[] = [];
const log = {
  warn: (details: object, message: string) => {
    warnings.push(details);
    messages.push(`warn: ${message}`);
  },
  error: (details: object, message: string) => {
    errors.push(details);
    messages.push(`error: ${message}`);
  },
} as never;
const warnings: object[] = [];

describe('idempotency outcomes waiting for the database', () => {
  it('are written oldest first, without waiting on the lock, and forgotten once written', async () => {
    const { repo, state } = fakeRepo();
    const unsettled = createUnsettled(repo);
    unsettled.keep(outcome('a', answer('first')), log);
    unsettled.keep(outcome('b', null), log);
    expect(unsettled.find('token:1', 'a')).toEqual(outcome('a', answer('first')));
    await unsettled.settle(log);
    expect(state.written).toEqual(['complete a first', 'release b']);
    expect(state.waited).toEqual([false, false]);
    expect(unsettled.size).toBe(0);
    expect(unsettled.find('token:1', 'a')).toBeUndefined();
  });

  it('stop at the first refusal and are all kept for the next attempt', async () => {
    const { repo, state } = fakeRepo();
    const unsettled = createUnsettled(repo);
    unsettled.keep(outcome('a', answer('first')), log);
    unsettled.keep(outcome('b', answer('second')), log);
    state.refusing = true;
    await unsettled.settle(log);
    expect(state.waited).toHaveLength(1);
    expect(unsettled.size).toBe(2);
    expect(warnings.at(-1)).toEqual({ err: expect.any(Error), waiting: 2 });
    expect(messages.at(-1)).toBe('warn: idempotency outcomes not recorded yet: the database refused');
    state.refusing = false;
    await unsettled.settle(log);
    expect(state.written).toEqual(['complete a first', 'complete b second']);
    expect(unsettled.size).toBe(0);
  });

  it('are bounded in number: past the bound the oldest is given up, and logged', async () => {
    const { repo, state } = fakeRepo();
    const unsettled = createUnsettled(repo, 2);
    for (const key of ['a', 'b', 'c']) unsettled.keep(outcome(key, answer(key)), log);
    expect(unsettled.size).toBe(2);
    expect(errors).toEqual([{ key: 'a' }]);
    expect(messages).toContain('error: idempotency outcome given up: too many wait for the database');
    await unsettled.settle(log);
    expect(state.written).toEqual(['complete b b', 'complete c c']);
  });
});
