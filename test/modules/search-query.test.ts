import { describe, expect, it } from 'vitest';
import {
  checkSearchLimit,
  parseSearch,
  SEARCH_LIMITS,
  snippetToHtml,
  toFtsQuery,
} from '../../src/modules/search/query.js';

/** What the FTS5 engine searches for `input`. */
const fts = (input: string) => toFtsQuery(parseSearch(input));

describe('parseSearch and toFtsQuery', () => {
  it.each([
    ['souverainete', '"souverainete"'],
    ['Norvège', '"Norvège"'],
    ['norv*', '"norv"*'],
    ['data center', '"data" "center"'],
    ['"data center" norv*', '"data center" "norv"*'],
    ['AND OR NOT NEAR', '"AND" "OR" "NOT" "NEAR"'],
    ['title:openai', '"title" "openai"'],
    ['(a OR b) AND "unclosed', '"a" "OR" "b" "AND" "unclosed"'],
    ['l’été', '"l" "été"'],
    // Decomposed accents are composed first, so they stay inside their word.
    ['Norve\u0300ge', '"Norvège"'],
    ['* ^ - + "', null],
    ['', null],
  ])('%s -> %s', (input, expected) => {
    if (expected === null) expect(() => parseSearch(input)).toThrow(/no word/);
    else expect(fts(input)).toBe(expected);
  });

  it('skips a quoted phrase that holds no word, and searches the rest', () => {
    expect(fts('"!!" cat')).toBe('"cat"');
    expect(fts('"" "-" cat*')).toBe('"cat"*');
  });

  it('tells the reader a query without words needs a letter or digit', () => {
    expect(() => parseSearch('"?!"')).toThrow(
      expect.objectContaining({
        status: 400,
        message: 'The search query has no word to search for',
        extras: { errors: [{ in: 'query', path: 'q', message: 'must contain at least one letter or digit' }] },
      }),
    );
  });

  it('cuts a long term between characters, never inside an astral letter', () => {
    const query = fts(`a${'𝕏'.repeat(100)}`);
    expect(query).not.toMatch(/\p{Cs}/u);
    expect(query).toBe(`"a${'𝕏'.repeat(63)}"`);
  });

  const refusal = (input: string) => {
    try {
      parseSearch(input);
    } catch (err) {
      return { detail: (err as Error).message, ...(err as { extras: object }).extras };
    }
    throw new Error(`${input} was accepted`);
  };

  it('accepts as many terms and prefixes as the limits allow', () => {
    const words = Array.from({ length: SEARCH_LIMITS.maxTerms - 4 }, (_, i) => `mot${i}`);
    const query = `${words.join(' ')} ab* cd* ef* gh*`;
    expect(fts(query).split(' ')).toHaveLength(SEARCH_LIMITS.maxTerms);
  });

  it('refuses a query with more terms than the limit, naming q', () => {
    expect(refusal('mot '.repeat(500))).toEqual({
      detail: 'The search query has too many terms',
      errors: [
        { in: 'query', path: 'q', message: 'must hold at most 12 words, counting each word of a quoted phrase' },
      ],
    });
  });

  it('accepts a quoted phrase of as many words as the limit allows', () => {
    const phrase = 'mot '.repeat(SEARCH_LIMITS.maxTerms).trim();
    expect(fts(`"${phrase}"`)).toBe(`"${phrase}"`);
  });

  // FTS5 reads the postings of every word of a phrase: one phrase of 500 words cost 40 terms' work.
  it.each([`"${'the '.repeat(30)}"`, `"${'a '.repeat(7)}" "${'a '.repeat(6)}"`, `${'mot '.repeat(11)} "data center"`])(
    'counts each word of a quoted phrase against the limit: %j',
    (input) => {
      expect(refusal(input)).toEqual({
        detail: 'The search query has too many terms',
        errors: [
          { in: 'query', path: 'q', message: 'must hold at most 12 words, counting each word of a quoted phrase' },
        ],
      });
    },
  );

  it('refuses more prefix terms than the limit', () => {
    expect(refusal('ab* cd* ef* gh* ij*')).toEqual({
      detail: 'The search query has too many prefix terms',
      errors: [{ in: 'query', path: 'q', message: 'must hold at most 4 prefix terms (word*)' }],
    });
  });

  it.each(['e*', 'norvège é*', '1*', '𝕏*'])('refuses the one-letter prefix in %j, naming the term', (input) => {
    const term = input.split(' ').at(-1) as string;
    expect(refusal(input)).toEqual({
      detail: `The prefix "${term}" is too short to search`,
      errors: [
        { in: 'query', path: 'q', message: `"${term}": a prefix needs at least 2 letters or digits before the *` },
      ],
    });
  });

  it('refuses the storm of one-letter prefixes that took seconds, at its first term', () => {
    expect(refusal('e* s* d* l* p* c* a* r* t* m* i* n* o* u* v* f* zyxw').detail).toBe(
      'The prefix "e*" is too short to search',
    );
  });

  it('accepts a two-letter prefix, which the FTS5 prefix index serves', () => {
    expect(fts('no*')).toBe('"no"*');
  });
});

describe('checkSearchLimit', () => {
  it('accepts a page up to the search maximum', () => {
    expect(() => checkSearchLimit(SEARCH_LIMITS.maxLimit)).not.toThrow();
  });

  it('refuses a larger page, naming limit', () => {
    expect(() => checkSearchLimit(SEARCH_LIMITS.maxLimit + 1)).toThrow(
      expect.objectContaining({
        message: 'A search page holds at most 25 results',
        extras: { errors: [{ in: 'query', path: 'limit', message: 'must be a whole number from 1 to 25 with q' }] },
      }),
    );
  });
});

describe('snippetToHtml', () => {
  it('escapes the text and marks the hits', () => {
    expect(snippetToHtml('<script>x</script> \uE000Norvège\uE001 & co')).toBe(
      '&lt;script&gt;x&lt;/script&gt; <mark>Norvège</mark> &amp; co',
    );
  });

  it('escapes both quotes, so a snippet is safe inside an attribute too', () => {
    expect(snippetToHtml(`"a" 'b' "c"`)).toBe('&quot;a&quot; &#39;b&#39; &quot;c&quot;');
  });
});
