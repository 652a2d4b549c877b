import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from '../../src/shared/cursor.js';

/** A cursor as a client could forge one: base64url of any JSON text. */
const forged = (json: string) => Buffer.from(json).toString('base64url');

const refusal = {
  status: 400,
  message: 'The cursor is not one this server issued',
  extras: { errors: [{ in: 'query', path: 'cursor', message: 'is malformed; pass meta.next_cursor unchanged' }] },
};

describe('encodeCursor and decodeCursor', () => {
  it('issues URL-safe cursors without padding, and reads them back', () => {
    // These keys encode to bytes that plain base64 would spell with + and / and pad with =.
    const keys = [1_700_000_000_000, 'é?>~ü', 42] as const;
    const cursor = encodeCursor(keys);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, ['integer', 'string', 'id'] as const)).toEqual(keys);
  });

  it.each([
    ['padding after a valid cursor', `${encodeCursor([1])}=`],
    ['padding before a valid cursor', `=${encodeCursor([1])}`],
    ['plain base64 characters', '+/8='],
    ['a space inside', `${encodeCursor([1]).slice(0, 2)} ${encodeCursor([1]).slice(2)}`],
    ['an empty cursor', ''],
    ['base64url of text that is not JSON', forged('[1,')],
  ])('refuses %s with a 400 naming the cursor', (_, cursor) => {
    expect(() => decodeCursor(cursor, ['integer'] as const)).toThrow(expect.objectContaining(refusal));
  });

  it.each([
    ['an object shaped like an array', '{"0":1,"length":1}', ['integer']],
    ['a string of the right length', '"a"', ['string']],
    ['fewer keys than the shape', '[1]', ['integer', 'integer']],
    ['more keys than the shape', '[1,2]', ['integer']],
  ] as const)('refuses %s', (_, json, shape) => {
    expect(() => decodeCursor(forged(json), shape)).toThrow(expect.objectContaining(refusal));
  });

  describe('key types', () => {
    const accepts = (json: string, type: 'string' | 'integer' | 'id' | 'number') =>
      expect(decodeCursor(forged(`[${json}]`), [type] as const)).toEqual(JSON.parse(`[${json}]`));
    const refuses = (json: string, type: 'string' | 'integer' | 'id' | 'number') =>
      expect(() => decodeCursor(forged(`[${json}]`), [type] as const)).toThrow(expect.objectContaining(refusal));

    it('string: any text without NUL, never a number or null', () => {
      accepts('"2026-01-01"', 'string');
      accepts('""', 'string');
      refuses('"a\\u0000b"', 'string');
      refuses('1', 'string');
      refuses('null', 'string');
    });

    it('integer: a whole number JavaScript holds exactly, negative ones included', () => {
      accepts('9007199254740991', 'integer');
      accepts('-5', 'integer');
      refuses('9007199254740992', 'integer');
      refuses('1.5', 'integer');
      refuses('"1"', 'integer');
    });

    it('id: a whole number from 0 to the largest 32-bit integer', () => {
      accepts('0', 'id');
      accepts('2147483647', 'id');
      refuses('2147483648', 'id');
      refuses('-1', 'id');
      refuses('1.5', 'id');
      refuses('"1"', 'id');
      refuses('null', 'id');
    });

    it('number: any finite number a real column holds, never text or null', () => {
      accepts('-0.25', 'number');
      accepts('3.4e38', 'number');
      accepts('-3.4e38', 'number');
      refuses('3.5e38', 'number');
      refuses('-3.5e38', 'number');
      // JSON.parse reads an overflowing literal as Infinity.
      refuses('1e400', 'number');
      refuses('"5"', 'number');
      refuses('null', 'number');
      refuses('[1]', 'number');
    });

    it('checks every key against its own type, in order', () => {
      expect(decodeCursor(forged('[0.5,"b"]'), ['number', 'string'] as const)).toEqual([0.5, 'b']);
      expect(() => decodeCursor(forged('["b",0.5]'), ['number', 'string'] as const)).toThrow(
        expect.objectContaining(refusal),
      );
      expect(() => decodeCursor(forged('[0.5,-1]'), ['number', 'id'] as const)).toThrow(
        expect.objectContaining(refusal),
      );
    });
  });
});

describe('toPage', () => {
  const rows = [
    { id: 1, at: 10 },
    { id: 2, at: 20 },
    { id: 3, at: 30 },
  ];
  const page = (fetched: typeof rows, limit: number) =>
    toPage(
      fetched,
      limit,
      (row) => row.id,
      (last) => [last.at, last.id],
    );

  it('shows `limit` rows and points past the last one shown when one more was fetched', () => {
    const result = page(rows, 2);
    expect(result.data).toEqual([1, 2]);
    expect(result.meta.next_cursor).toBe(encodeCursor([20, 2]));
    expect(page(rows, 1)).toEqual({ data: [1], meta: { next_cursor: encodeCursor([10, 1]) } });
  });

  it('has no next page when no more than `limit` rows came back', () => {
    expect(page(rows, 3)).toEqual({ data: [1, 2, 3], meta: { next_cursor: null } });
    expect(page(rows, 5)).toEqual({ data: [1, 2, 3], meta: { next_cursor: null } });
    expect(page([], 2)).toEqual({ data: [], meta: { next_cursor: null } });
  });
});
