import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import '../../src/shared/validation-messages.js';

/** What a schema says about a value, as path and message. */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`${JSON.stringify(value)} was accepted`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('validation messages in Fjord’s words', () => {
  it('names a missing field as required and a wrong type by what it must be', () => {
    const schema = z.object({
      title: z.string(),
      count: z.number(),
      whole: z.number().int(),
      flag: z.boolean(),
      list: z.array(z.string()),
      nested: z.object({ a: z.string() }),
    });
    expect(messages(schema, { count: '1', whole: 1.5, flag: 'yes', list: 'a', nested: [] })).toEqual([
      'title: is required',
      'count: must be a number',
      'whole: must be a whole number',
      'flag: must be true or false',
      'list: must be an array',
      'nested: must be an object',
    ]);
    expect(messages(z.symbol(), 'x')).toEqual([': must be a value of type symbol']);
  });

  it('words lengths, sizes and bounds, inclusive or not', () => {
    const schema = z.object({
      empty: z.string().min(1),
      short: z.string().min(3),
      long: z.string().max(5),
      one: z.string().max(1),
      exact: z.string().length(4),
      low: z.number().min(1),
      high: z.number().max(10),
      positive: z.number().positive(),
      below: z.number().lt(3),
      items: z.array(z.string()).min(1),
      few: z.array(z.string()).max(2),
      step: z.number().multipleOf(5),
    });
    const value = {
      empty: '',
      short: 'ab',
      long: 'abcdef',
      one: 'ab',
      exact: 'abc',
      low: 0,
      high: 11,
      positive: 0,
      below: 3,
      items: [],
      few: ['a', 'b', 'c'],
      step: 7,
    };
    expect(messages(schema, value)).toEqual([
      'empty: must not be empty',
      'short: must be at least 3 characters',
      'long: must be at most 5 characters',
      'one: must be at most 1 character',
      'exact: must be exactly 4 characters',
      'low: must be at least 1',
      'high: must be at most 10',
      'positive: must be greater than 0',
      'below: must be less than 3',
      'items: must not be empty',
      'few: must have at most 2 items',
      'step: must be a multiple of 5',
    ]);
  });

  it('words sets like arrays, dates by the instant, and exact sizes', () => {
    const schema = z.object({
      tags: z.set(z.string()).max(2),
      some: z.set(z.string()).min(1),
      pair: z.set(z.string()).size(2),
      two: z.array(z.string()).length(2),
      from: z.date().min(new Date('2026-01-01T00:00:00Z')),
      until: z.date().max(new Date('2026-12-31T23:59:59Z')),
    });
    const value = {
      tags: new Set(['a', 'b', 'c']),
      some: new Set(),
      pair: new Set(['a']),
      two: ['a', 'b', 'c'],
      from: new Date('2025-12-31T23:59:59Z'),
      until: new Date('2027-01-01T00:00:00Z'),
    };
    expect(messages(schema, value)).toEqual([
      'tags: must have at most 2 items',
      'some: must not be empty',
      'pair: must have exactly 2 items',
      'two: must have exactly 2 items',
      'from: must be on or after 2026-01-01T00:00:00.000Z',
      'until: must be on or before 2026-12-31T23:59:59.000Z',
    ]);
  });

  it('words a bound that a custom check raises without a message of its own', () => {
    const raising = (issue: Record<string, unknown>) =>
      z.unknown().check((payload) => {
        payload.issues.push({ input: payload.value, ...issue } as never);
      });
    expect(messages(raising({ code: 'too_small', origin: 'string', minimum: 3, inclusive: false }), 'abc')).toEqual([
      ': must be more than 3 characters',
    ]);
    expect(messages(raising({ code: 'too_big', origin: 'array', maximum: 3, inclusive: false }), [])).toEqual([
      ': must have fewer than 3 items',
    ]);
    expect(messages(raising({ code: 'too_small', origin: 'number', minimum: 5, exact: true }), 4)).toEqual([
      ': must be 5',
    ]);
  });

  it('lists the allowed values of an enum or a literal', () => {
    expect(messages(z.enum(['a', 'b', 'c']), 'd')).toEqual([': must be one of "a", "b" or "c"']);
    expect(messages(z.enum(['a', 'b']), 'd')).toEqual([': must be "a" or "b"']);
    expect(messages(z.literal('ok'), 'no')).toEqual([': must be "ok"']);
    expect(messages(z.literal(3), 4)).toEqual([': must be 3']);
  });

  it('says which format a string must have', () => {
    const schema = z.object({
      email: z.email(),
      url: z.url(),
      uuid: z.uuid(),
      at: z.iso.datetime(),
      day: z.iso.date(),
      code: z.string().regex(/^[a-z]+$/),
      prefix: z.string().startsWith('x-'),
      suffix: z.string().endsWith('.md'),
      contains: z.string().includes('@'),
      ip: z.ipv4(),
      emoji: z.emoji(),
      postal: z.stringFormat('postal_code', (v) => /^[0-9]{4}$/.test(v)),
    });
    const value = {
      email: 'ada',
      url: 'nope',
      uuid: '1',
      at: 'noon',
      day: '15/01',
      code: 'A',
      prefix: 'y',
      suffix: 'a.txt',
      contains: 'ada',
      ip: '1',
      emoji: 'a',
      postal: 'x',
    };
    expect(messages(schema, value)).toEqual([
      'email: must be an e-mail address such as ada@example.com',
      'url: must be a URL such as https://example.com/',
      'uuid: must be a UUID',
      'at: must be a date and time such as 2026-01-15T10:00:00Z',
      'day: must be a date such as 2026-01-15',
      'code: must match the pattern /^[a-z]+$/',
      'prefix: must start with "x-"',
      'suffix: must end with ".md"',
      'contains: must contain "@"',
      'ip: must be an IPv4 address',
      'emoji: must be a valid emoji',
      'postal: must be a valid postal code',
    ]);
  });

  it('names unknown fields, unmatched unions and bad record keys', () => {
    expect(messages(z.strictObject({ a: z.string() }), { a: 'x', b: 1 })).toEqual([
      ': has a field that is not known: b',
    ]);
    expect(messages(z.strictObject({}), { b: 1, c: 2 })).toEqual([': has fields that are not known: b, c']);
    expect(messages(z.union([z.string(), z.number()]), true)).toEqual([': does not match any of the accepted forms']);
    expect(messages(z.record(z.string().max(1), z.string()), { bc: 'x' })).toEqual([
      'bc: has a key that is not accepted',
    ]);
    expect(messages(z.map(z.object({}), z.number()), new Map([[{}, 'x']]))).toEqual([
      ': holds a value that is not accepted',
    ]);
    expect(
      messages(
        z.string().refine(() => false),
        'x',
      ),
    ).toEqual([': is not valid']);
  });

  it('leaves a message the schema words itself as it is', () => {
    expect(messages(z.string().min(2, 'must be two letters'), 'a')).toEqual([': must be two letters']);
    expect(messages(z.number({ error: 'must be a count' }), 'x')).toEqual([': must be a count']);
  });
});
