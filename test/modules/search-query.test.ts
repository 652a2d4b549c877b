import { describe, expect, it } from 'vitest';
import { snippetToHtml, toFtsQuery } from '../../src/modules/search/query.js';

describe('toFtsQuery', () => {
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
    ['* ^ - + "', null],
    ['', null],
  ])('%s -> %s', (input, expected) => {
    if (expected === null) expect(() => toFtsQuery(input)).toThrow(/no word/);
    else expect(toFtsQuery(input)).toBe(expected);
  });

  it('cuts a long term between characters, never inside an astral letter', () => {
    const query = toFtsQuery(`a${'𝕏'.repeat(100)}`);
    expect(query).not.toMatch(/\p{Cs}/u);
    expect(query).toBe(`"a${'𝕏'.repeat(63)}"`);
  });

  it('keeps at most 16 terms of a very long query', () => {
    expect(toFtsQuery('mot '.repeat(500)).split(' ')).toHaveLength(16);
  });
});

describe('snippetToHtml', () => {
  it('escapes the text and marks the hits', () => {
    expect(snippetToHtml('<script>x</script> \uE000Norvège\uE001 & co')).toBe(
      '&lt;script&gt;x&lt;/script&gt; <mark>Norvège</mark> &amp; co',
    );
  });
});
