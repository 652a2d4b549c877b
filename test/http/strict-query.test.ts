import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { declaredParameters, disguisedInteger, parameterErrors } from '../../src/http/strict-query.js';
import { LimitSchema, PaginationQuerySchema } from '../../src/shared/schemas.js';

describe('disguisedInteger', () => {
  it('flags what coercion takes for a whole number although it is not written as one', () => {
    for (const value of ['0x10', '1e2', '5.0', ' 5', '5 ', '007', '+5', '0b1']) {
      expect(disguisedInteger(value), JSON.stringify(value)).toBe(true);
    }
  });

  it('leaves plain digits, and what is no whole number at all, to the schema', () => {
    for (const value of ['0', '5', '20', '-5', '2147483648', '', 'abc', '2.5', 'Infinity', 'NaN']) {
      expect(disguisedInteger(value), JSON.stringify(value)).toBe(false);
    }
  });
});

describe('declaredParameters', () => {
  it('names each parameter and whether it takes a number, under optional, default and pipe wrappers', () => {
    const schema = PaginationQuerySchema.extend({
      tag: z.string().optional(),
      to: z.coerce.number().int().optional(),
      n: z.string().pipe(z.coerce.number()),
      flag: z.coerce.boolean().default(false),
    });
    expect(declaredParameters(schema)).toEqual(
      new Map([
        ['limit', true],
        ['cursor', false],
        ['tag', false],
        ['to', true],
        ['n', false],
        ['flag', false],
      ]),
    );
    expect(declaredParameters(LimitSchema)).toBeNull();
    // A loose object welcomes any other parameter; a strict one declares exactly its own.
    expect(declaredParameters(z.looseObject({ a: z.string() }))).toBeNull();
    expect(declaredParameters(z.strictObject({ a: z.string() }))).toEqual(new Map([['a', false]]));
    expect(declaredParameters(undefined)).toBeNull();
  });
});

describe('parameterErrors', () => {
  const declared = new Map([
    ['limit', true],
    ['cursor', false],
  ]);

  it('names every undeclared parameter and every disguised number, in the order sent', () => {
    expect(parameterErrors({ sort: 'x', limit: '0x10', cursor: '1e2', tags: '' }, declared, 'query')).toEqual([
      { in: 'query', path: 'sort', message: 'is not a parameter of this route, which takes limit, cursor' },
      { in: 'query', path: 'limit', message: 'must be a whole number written in decimal digits, such as 20' },
      { in: 'query', path: 'tags', message: 'is not a parameter of this route, which takes limit, cursor' },
    ]);
  });

  it('says when a route takes no parameter, and accepts any name when the declaration is unknown', () => {
    expect(parameterErrors({ x: '1' }, new Map(), 'query')).toEqual([
      { in: 'query', path: 'x', message: 'is not a parameter of this route, which takes none' },
    ]);
    expect(parameterErrors({ x: '1e2' }, null, 'params')).toEqual([]);
    expect(parameterErrors({ limit: '20', cursor: 'abc' }, declared, 'query')).toEqual([]);
  });
});
