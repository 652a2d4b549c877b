import { describe, expect, it } from 'vitest';
import { addActivity } from '../../../src/modules/comments/repository.js';

describe('addActivity', () => {
  it('adds the counts and keeps the older of the oldest times', () => {
    expect(addActivity({ count: 2, oldest: 50 }, { count: 1, oldest: 30 })).toEqual({ count: 3, oldest: 30 });
    expect(addActivity({ count: 0, oldest: null }, { count: 1, oldest: 30 })).toEqual({ count: 1, oldest: 30 });
    expect(addActivity({ count: 1, oldest: 40 }, { count: 0, oldest: null })).toEqual({ count: 1, oldest: 40 });
  });
});
