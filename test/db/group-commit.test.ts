import { describe, expect, it } from 'vitest';
import { createGroupCommit, type Outcome } from '../../src/db/group-commit.js';

describe('createGroupCommit', () => {
  it('commits writes of one event-loop turn together, and answers each with its own outcome', async () => {
    const batches: number[][] = [];
    const write = createGroupCommit<number, number>((items) => {
      batches.push(items);
      return items.map((n): Outcome<number> => (n === 3 ? { error: new Error('refused 3') } : { value: n * 10 }));
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map(write));
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'fulfilled', value: 20 },
      { status: 'rejected', reason: new Error('refused 3') },
      { status: 'fulfilled', value: 40 },
    ]);
    await write(5);
    expect(batches).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('fails every write of a batch whose transaction fails, so none is acknowledged', async () => {
    const write = createGroupCommit<number, number>(() => {
      throw new Error('disk full');
    });
    const results = await Promise.allSettled([1, 2].map(write));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
