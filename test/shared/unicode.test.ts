import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { illFormedPaths, isWellFormed, NO_SPOOFING_CHARACTERS } from '../../src/shared/unicode.js';

describe('isWellFormed', () => {
  it('accepts paired surrogates (emoji) and refuses lone ones, high or low', () => {
    expect(isWellFormed('café 😀 👩‍💻')).toBe(true);
    expect(isWellFormed('a\ud800')).toBe(false);
    expect(isWellFormed('\udc00b')).toBe(false);
    expect(isWellFormed('\ude00\ud83d')).toBe(false);
  });

  it('is true exactly for the strings that survive a round trip through UTF-8, as SQLite stores them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        expect(isWellFormed(text)).toBe(Buffer.from(text, 'utf8').toString('utf8') === text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('illFormedPaths', () => {
  it('names every ill-formed string by its path, keys included', () => {
    const body = {
      title: 'ok',
      tags: ['fine', 'bad\ud800'],
      credits: [{ name: 'x', nested: { deep: '\udfff' } }],
      ['k\ud800']: 'value',
    };
    expect(illFormedPaths(body)).toEqual(['tags.1', 'credits.0.nested.deep', 'k\ufffd']);
  });

  it('finds nothing in well-formed values of any type', () => {
    expect(illFormedPaths({ a: [1, true, null, 'é😀'], b: { c: '' } })).toEqual([]);
    expect(illFormedPaths(undefined)).toEqual([]);
    expect(illFormedPaths('\ud800')).toEqual(['']);
  });

  it('walks a deeply nested value without overflowing the stack', () => {
    let value: unknown = '\ud800';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(illFormedPaths(value)).toHaveLength(1);
  });

  it('stops after 20 findings', () => {
    expect(illFormedPaths(Array.from({ length: 1000 }, () => '\ud800'))).toHaveLength(20);
  });
});

describe('NO_SPOOFING_CHARACTERS', () => {
  it.each([
    ['right-to-left override', '\u202E'],
    ['left-to-right embedding', '\u202A'],
    ['first strong isolate', '\u2068'],
    ['right-to-left mark', '\u200F'],
    ['Arabic letter mark', '\u061C'],
    ['zero-width space', '\u200B'],
    ['zero-width joiner', '\u200D'],
    ['word joiner', '\u2060'],
    ['byte order mark', '\uFEFF'],
    ['soft hyphen', '\u00AD'],
    ['Hangul filler', '\u3164'],
  ])('refuses a %s', (_, character) => {
    expect(NO_SPOOFING_CHARACTERS.test(`pay${character}pal`)).toBe(false);
  });

  it('accepts names in any script', () => {
    for (const name of ['Ben Wicks', 'Zoë Øvergård', 'محمد', 'שלום', '東京', 'Ελένη']) {
      expect(NO_SPOOFING_CHARACTERS.test(name)).toBe(true);
    }
  });
});
