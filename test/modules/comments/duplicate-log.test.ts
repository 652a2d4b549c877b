import { describe, expect, it } from 'vitest';
import { addActivity, createDuplicateLog } from '../../../src/modules/comments/duplicate-log.js';

describe('createDuplicateLog', () => {
  it('counts each key of an entry, with its oldest time', () => {
    const log = createDuplicateLog();
    log.add(['ip:a', 'email:x'], 100, 0);
    log.add(['ip:a', 'email:y'], 200, 0);
    expect(log.activity('ip:a', 0)).toEqual({ count: 2, oldest: 100 });
    expect(log.activity('email:y', 0)).toEqual({ count: 1, oldest: 200 });
    expect(log.activity('ip:b', 0)).toEqual({ count: 0, oldest: null });
  });

  it('forgets entries at or before the start of the window', () => {
    const log = createDuplicateLog();
    log.add(['ip:a'], 100, 0);
    log.add(['ip:a'], 200, 0);
    expect(log.activity('ip:a', 100)).toEqual({ count: 1, oldest: 200 });
    expect(log.activity('ip:a', 200)).toEqual({ count: 0, oldest: null });
  });
});

describe('addActivity', () => {
  it('adds the counts and keeps the older of the oldest times', () => {
    expect(addActivity({ count: 2, oldest: 50 }, { count: 1, oldest: 30 })).toEqual({ count: 3, oldest: 30 });
    expect(addActivity({ count: 0, oldest: null }, { count: 1, oldest: 30 })).toEqual({ count: 1, oldest: 30 });
    expect(addActivity({ count: 1, oldest: 40 }, { count: 0, oldest: null })).toEqual({ count: 1, oldest: 40 });
  });
});
