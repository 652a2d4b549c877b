import { describe, expect, it } from 'vitest';
import {
  acceptedCodings,
  chooseCoding,
  etagForCoding,
  isCompressible,
  weightsOf,
  withVary,
} from '../../src/http/content-coding.js';

describe('Accept-Encoding weights', () => {
  it('reads codings case-insensitively, with a weight of 1 unless q says otherwise', () => {
    expect([...weightsOf('GZIP, Br;Q=0.5 , deflate ; q=0')]).toEqual([
      ['gzip', 1],
      ['br', 0.5],
      ['deflate', 0],
    ]);
  });

  it('reads x-gzip as gzip, and keeps the first weight of a coding named twice', () => {
    expect([...weightsOf('x-gzip;q=0.3, gzip;q=0.9')]).toEqual([['gzip', 0.3]]);
  });

  it.each([
    ['q above 1', 'br;q=1.5'],
    ['four decimals', 'br;q=0.1234'],
    ['a sign', 'br;q=-0'],
    ['an exponent', 'br;q=1e0'],
    ['no value', 'br;q='],
    ['hex', 'br;q=0x1'],
    ['1 with a fraction', 'br;q=1.001'],
  ])('ignores an element whose weight is not a qvalue (%s)', (_, header) => {
    expect([...weightsOf(`${header}, gzip`)]).toEqual([['gzip', 1]]);
  });

  it.each([
    ['0', 0],
    ['0.', 0],
    ['0.5', 0.5],
    ['0.125', 0.125],
    ['1', 1],
    ['1.', 1],
    ['1.000', 1],
  ])('takes q=%s', (q, weight) => {
    expect(weightsOf(`br;q=${q}`).get('br')).toBe(weight);
  });

  it('ignores empty elements, bad tokens and parameters other than q', () => {
    expect([...weightsOf(' , gz ip, "br", br;level=9;q=0.2, ;q=1')]).toEqual([['br', 0.2]]);
  });

  it('takes a weight whatever the parameters around it, and spaces around =', () => {
    expect([...weightsOf('gzip;level=9, br;q = 0.5;level=9')]).toEqual([
      ['gzip', 1],
      ['br', 0.5],
    ]);
  });
});

describe('the codings a client accepts, best first', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ['identity']],
    ['', ['identity']],
    ['  ', ['identity']],
    ['gzip, deflate', ['gzip', 'identity']],
    ['gzip, deflate, br', ['br', 'gzip', 'identity']],
    ['br;q=0.5, gzip', ['gzip', 'br', 'identity']],
    ['gzip;q=0.1', ['gzip', 'identity']],
    ['identity, gzip;q=0.5', ['identity', 'gzip']],
    ['gzip, identity', ['gzip', 'identity']],
    ['identity;q=0, gzip', ['gzip']],
    ['*', ['br', 'gzip', 'identity']],
    ['*;q=0.5, br;q=0', ['gzip', 'identity']],
    ['*;q=0', []],
    ['*;q=0, identity', ['identity']],
    ['*;q=0, gzip;q=0.2', ['gzip']],
    ['br;q=0, gzip;q=0', ['identity']],
    ['deflate, compress', ['identity']],
    ['x-gzip', ['gzip', 'identity']],
  ])('%j accepts %j', (header, codings) => {
    expect(acceptedCodings(header)).toEqual(codings);
  });
});

describe('the coding a body is sent in', () => {
  it('compresses a body worth it in the coding the client prefers', () => {
    expect(chooseCoding('gzip, deflate, br', true)).toBe('br');
    expect(chooseCoding('gzip;q=1, br;q=0.8', true)).toBe('gzip');
    expect(chooseCoding('identity, br;q=0.5', true)).toBe('identity');
    expect(chooseCoding(undefined, true)).toBe('identity');
  });

  it('sends a small body as it is, unless the client refused identity', () => {
    expect(chooseCoding('br, gzip', false)).toBe('identity');
    expect(chooseCoding('br, identity;q=0', false)).toBe('br');
    expect(chooseCoding('*;q=0, gzip', false)).toBe('gzip');
  });

  it('sends identity when the client accepts nothing this server has', () => {
    expect(chooseCoding('*;q=0', true)).toBe('identity');
    expect(chooseCoding('identity;q=0, zstd', true)).toBe('identity');
  });
});

describe('ETags of coded bodies', () => {
  it('gives each coding its own strong tag and leaves identity alone', () => {
    expect(etagForCoding('"abc"', 'identity')).toBe('"abc"');
    expect(etagForCoding('"abc"', 'br')).toBe('"abc-br"');
    expect(etagForCoding('"r3.tag.hash"', 'gzip')).toBe('"r3.tag.hash-gzip"');
    expect(etagForCoding('W/"abc"', 'gzip')).toBe('W/"abc-gzip"');
  });

  it('leaves a value that is no entity tag as it is', () => {
    expect(etagForCoding('abc', 'br')).toBe('abc');
  });
});

describe('compressible media types', () => {
  it.each([
    'application/json; charset=utf-8',
    'application/problem+json; charset=utf-8',
    'Application/JSON',
    'application/json ; charset=utf-8',
    'text/html; charset=utf-8',
    'text/plain',
    'application/javascript',
    'application/yaml',
    'application/xml',
    'image/svg+xml',
  ])('compresses %s', (type) => {
    expect(isCompressible(type)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'text/event-stream',
    'Text/Event-Stream; charset=utf-8',
    'image/png',
    'application/octet-stream',
    'font/woff2',
  ])('leaves %j alone', (type) => {
    expect(isCompressible(type)).toBe(false);
  });
});

describe('Vary', () => {
  it('adds a name once, keeping what is there', () => {
    expect(withVary(undefined, 'Accept-Encoding')).toBe('Accept-Encoding');
    expect(withVary('', 'Accept-Encoding')).toBe('Accept-Encoding');
    expect(withVary('Origin, Authorization', 'Accept-Encoding')).toBe('Origin, Authorization, Accept-Encoding');
    expect(withVary('Origin,accept-encoding', 'Accept-Encoding')).toBe('Origin, accept-encoding');
    expect(withVary('Origin, , Authorization', 'Authorization')).toBe('Origin, Authorization');
  });

  it('leaves * alone: it already says everything', () => {
    expect(withVary('*', 'Accept-Encoding')).toBe('*');
    expect(withVary('Origin, *', 'Accept-Encoding')).toBe('*');
  });
});
