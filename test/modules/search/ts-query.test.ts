import { describe, expect, it } from 'vitest';
import { foldWords, lexeme, tsvectorLiteral } from '../../../src/modules/search/fold.js';
import { parseSearch, SEARCH_LIMITS, toFtsQuery, toTsQuery } from '../../../src/modules/search/query.js';
import { buildSnippet } from '../../../src/modules/search/snippet.js';

const ts = (input: string) => toTsQuery(parseSearch(input));
const fts = (input: string) => toFtsQuery(parseSearch(input));

describe('foldWords', () => {
  it.each([
    ['Souveraineté numérique', ['souverainete', 'numerique']],
    ['SOUVERAINETÉ', ['souverainete']],
    // Decomposed input folds as the composed one does, a diacritic inside a word too.
    ['souverainete\u0301', ['souverainete']],
    ['ne\u0301gocie\u0301e', ['negociee']],
    ['Œuvre cœur', ['œuvre', 'cœur']],
    ['Straße Æsir', ['straße', 'æsir']],
    ['contact@example.org', ['contact', 'example', 'org']],
    ['3.5 GW, 2026', ['3', '5', 'gw', '2026']],
    ['<script>alert(1)</script>', ['script', 'alert', '1', 'script']],
    ['l’été', ['l', 'ete']],
    ['𝕏 and 𝒜bc', ['𝕏', 'and', '𝒜bc']],
    ['data-center_x', ['data', 'center', 'x']],
    // FTS5 removes the diacritics of Latin letters only; other marks separate words.
    ['Йошкар-Ола ёж', ['йошкар', 'ола', 'ёж']],
    ['Ελληνικά άλφα', ['ελληνικά', 'άλφα']],
    ['नमस्ते', ['नमस', 'त']],
    ['آب', ['آب']],
    ['a\u0305b', ['a', 'b']],
    ['한국어', ['한국어']],
    ['Tiếng Việt', ['tieng', 'viet']],
    // FTS5's own tables: Σ and ς fold to σ, ǡ keeps its marks, µ is μ; what Unicode 6.1 did not
    // know joins the word it touches (🤔), and a compatibility ideograph stays itself.
    ['ΛΌΓΟΣ λόγος', ['λόγοσ', 'λόγοσ']],
    ['ǡ µs', ['ǡ', 'μs']],
    ['super🤔 ok', ['super🤔', 'ok']],
    ['\uF9FF', ['\uF9FF']],
    // FTS5 keeps private-use characters inside a word.
    ['a\uE000b', ['a\uE000b']],
    ['', []],
    ['  -- !! ', []],
  ])('%j -> %j', (text, words) => {
    expect(foldWords(text)).toEqual(words);
  });
});

describe('tsvectorLiteral', () => {
  it('gives each word its positions and its column weight, one position apart between columns', () => {
    expect(
      tsvectorLiteral([
        { text: 'Norvège data', weight: 'A' },
        { text: 'Energy', weight: 'B' },
        { text: '', weight: 'C' },
        { text: 'data <center>', weight: 'D' },
      ]),
    ).toBe("'norvege':1A 'data':2A,7D 'energy':4B 'center':8D");
  });

  it('quotes apostrophes and backslashes, which folded words never hold but a lexeme could', () => {
    expect(tsvectorLiteral([{ text: "l'eau", weight: 'A' }])).toBe("'l':1A 'eau':2A");
    expect(lexeme("l'a\\b''")).toBe("'l''a\\\\b'''''");
  });

  it('cuts a word to the 2047 bytes a lexeme holds, between characters', () => {
    const literal = tsvectorLiteral([{ text: `${'ж'.repeat(1500)} court`, weight: 'D' }]);
    expect(literal).toBe(`'${'ж'.repeat(1023)}':1D 'court':2D`);
    const astral = tsvectorLiteral([{ text: '𝕏'.repeat(600), weight: 'D' }]);
    expect(astral).toBe(`'${'𝕏'.repeat(511)}':1D`);
    expect(tsvectorLiteral([{ text: 'x'.repeat(3000), weight: 'D' }])).toBe(`'${'x'.repeat(2047)}':1D`);
    expect(tsvectorLiteral([{ text: 'x'.repeat(2047), weight: 'D' }])).toBe(`'${'x'.repeat(2047)}':1D`);
  });

  it('keeps a prefix of a cut word: no later, shorter character fills the space left', () => {
    // 1023 × ж is 2046 bytes; 𝕏 (4 bytes) does not fit, and the b after it is not taken either.
    const literal = tsvectorLiteral([{ text: `${'ж'.repeat(1023)}𝕏b`, weight: 'D' }]);
    expect(literal).toBe(`'${'ж'.repeat(1023)}':1D`);
  });

  it('keeps at most 256 positions of one word and caps positions at 16383', () => {
    const literal = tsvectorLiteral([{ text: 'mot '.repeat(300), weight: 'D' }]);
    expect(literal.split(',')).toHaveLength(256);
    const long = tsvectorLiteral([{ text: `${'x '.repeat(20_000)}fin`, weight: 'D' }]);
    expect(long).toContain("'fin':16383D");
  });
});

describe('toTsQuery', () => {
  it.each([
    ['souverainete', "'souverainete'"],
    ['Souveraineté', "'souverainete'"],
    ['norv*', "'norv':*"],
    ['data center', "'data' & 'center'"],
    ['"data center" norv*', "('data' <-> 'center') & 'norv':*"],
    ['"Norvège"', "'norvege'"],
    ['AND OR NOT NEAR', "'and' & 'or' & 'not' & 'near'"],
    ['title:openai', "'title' & 'openai'"],
    ['(a OR b) AND "unclosed', "'a' & 'or' & 'b' & 'and' & 'unclosed'"],
    ['œuvre', "'œuvre'"],
    ['contact@example.org', "'contact' & 'example' & 'org'"],
    ['"contact@example.org"', "('contact' <-> 'example' <-> 'org')"],
    ['3.5', "'3' & '5'"],
    ['<script>', "'script'"],
    ['l’été', "'l' & 'ete'"],
    ["it's", "'it' & 's'"],
    ['\\ & | ! <-> :*', null],
  ])('%j -> %j', (input, expected) => {
    if (expected === null) expect(() => ts(input)).toThrow(/no word/);
    else expect(ts(input)).toBe(expected);
  });

  it('turns a word that folds to several words into a phrase, its prefix on the last', () => {
    // U+0130 decomposes to I and a combining dot, which folding drops.
    expect(ts('İstanbul')).toBe("'istanbul'");
    // No letter or digit the parser keeps folds apart today; the compiler still handles a word that would.
    expect(toTsQuery({ terms: [{ kind: 'word', word: 'ab\u00B7cd', prefix: true }] })).toBe("('ab' <-> 'cd':*)");
  });

  it('cuts a long term between characters, never inside an astral letter', () => {
    const query = ts(`a${'𝕏'.repeat(100)}`);
    expect(query).not.toMatch(/\p{Cs}/u);
    expect(query).toBe(`'a${'𝕏'.repeat(63)}'`);
  });

  it('compiles the same parse as FTS5 does, term for term', () => {
    const input = '"data center" norv* œuvre contact@example.org';
    expect(fts(input)).toBe('"data center" "norv"* "œuvre" "contact" "example" "org"');
    expect(ts(input)).toBe("('data' <-> 'center') & 'norv':* & 'œuvre' & 'contact' & 'example' & 'org'");
  });

  it('inherits every refusal from the one parser', () => {
    expect(() => ts('mot '.repeat(SEARCH_LIMITS.maxTerms + 1))).toThrow(/too many terms/);
    expect(() => ts('ab* cd* ef* gh* ij*')).toThrow(/too many prefix terms/);
    expect(() => ts('e*')).toThrow(/too short/);
    expect(() => ts('*** ()')).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('buildSnippet', () => {
  const snippet = (columns: string[], q: string) =>
    buildSnippet(columns, parseSearch(q)).replaceAll('\uE000', '[').replaceAll('\uE001', ']');

  it('marks the words a folded query matches, accents and case as the index folds them', () => {
    expect(snippet(['La souveraineté numérique', '', '', ''], 'souverainete')).toBe('La [souveraineté] numérique');
    expect(snippet(['', '', 'Écrire à contact@example.org.', ''], 'example')).toBe('Écrire à contact@[example].org.');
  });

  it('marks prefixes and whole phrases, and leaves markup as text for snippetToHtml to escape', () => {
    expect(snippet(['Norvège, Norway et norvégien', '', '', ''], 'norv*')).toBe('[Norvège], Norway et [norvégien]');
    expect(snippet(['', '', 'a data center, a data hall', ''], '"data center"')).toBe('a [data center], a data hall');
    expect(snippet(['', '', 'The <script>alert(1)</script> tag', ''], 'script')).toBe(
      'The <[script]>alert(1)</[script]> tag',
    );
  });

  it('prefers the column that holds every term, and cuts a long column around the hits', () => {
    const body = `${'avant '.repeat(40)}Narvik et la Norvège ${'après '.repeat(40)}`;
    const result = snippet(['Narvik', '', body, ''], 'narvik norvège');
    expect(result).toMatch(/^….*\[Narvik\] et la \[Norvège\].*…$/);
    expect(result.split(' ').length).toBeLessThanOrEqual(26);
  });

  it('shows the start of the text when no word is found', () => {
    expect(snippet(['Titre', '', '', ''], 'absent')).toBe('Titre');
  });
});
