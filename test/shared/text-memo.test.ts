import { describe, expect, it } from 'vitest';
import { memoizeText } from '../../src/shared/text-memo.js';

function counted() {
  const calls: string[] = [];
  return { calls, fn: (input: string) => (calls.push(input), input.toUpperCase()) };
}

describe('memoizeText', () => {
  it('computes each input once while it is held', () => {
    const { calls, fn } = counted();
    const memo = memoizeText(fn, 100);
    expect(memo('abc')).toBe('ABC');
    expect(memo('abc')).toBe('ABC');
    expect(memo('de')).toBe('DE');
    expect(calls).toEqual(['abc', 'de']);
  });

  it('drops the least recently used results once inputs and outputs pass the bound', () => {
    const { calls, fn } = counted();
    const memo = memoizeText(fn, 12); // three inputs of 2 characters and their outputs
    memo('aa');
    memo('bb');
    memo('cc');
    memo('aa'); // used again: bb is now the oldest
    memo('dd'); // 16 characters: bb goes
    memo('aa');
    memo('cc');
    memo('dd');
    expect(calls).toEqual(['aa', 'bb', 'cc', 'dd']);
    memo('bb');
    expect(calls).toEqual(['aa', 'bb', 'cc', 'dd', 'bb']);
  });

  it('keeps a result exactly at the bound, and never one larger than the whole bound', () => {
    const { calls, fn } = counted();
    const memo = memoizeText(fn, 6);
    memo('abc'); // 6 characters: held
    memo('abc');
    memo('abcd'); // 8 characters: computed, never held, and abc stays
    memo('abcd');
    memo('abc');
    expect(calls).toEqual(['abc', 'abcd', 'abcd']);
  });
});
