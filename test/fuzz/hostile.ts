/**
 * Hostile input shared by the fuzz suites: strings that have broken parsers, databases and
 * renderers elsewhere, and fast-check arbitraries that mix them with random text.
 */
import fc from 'fast-check';
import { nestingStorm, prefixStorm } from './storms.js';

/** Runs per property; FUZZ_RUNS=<n> turns a CI run into a long one. */
export function fuzzRuns(defaultRuns: number): number {
  const given = Number(process.env.FUZZ_RUNS);
  return Number.isSafeInteger(given) && given > 0 ? given : defaultRuns;
}

/** FUZZ_SEED=<n> replays the run a failure printed. */
export function fuzzSeed(): number | undefined {
  const given = Number(process.env.FUZZ_SEED);
  return process.env.FUZZ_SEED !== undefined && Number.isSafeInteger(given) ? given : undefined;
}

export const SQL_STRINGS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '"; DROP TABLE articles; --',
  "') UNION SELECT token_hash, 1, 1 FROM api_tokens --",
  "%' AND 1=0 --",
  '1; SELECT sqlite_version()',
  "x' || (SELECT group_concat(name) FROM sqlite_master) || '",
  '\\',
  "''",
  '%',
  '_',
];

export const FTS_STRINGS = [
  'AND',
  'OR NOT',
  'NEAR(a b, 2)',
  '"unclosed',
  'title:openai',
  '{title body}: x',
  '- x',
  '^start',
  'a + b',
  '*',
  'a*b*',
  '( ) " * ^ : -',
  '"" AND ""',
  'NOT NOT NOT',
  'articles_fts MATCH x',
  'rank:bm25',
];

export const PATH_STRINGS = [
  '..',
  '.',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '..\\..\\windows',
  '%00',
  'a%00b',
  '%2e%2e%2f',
  '/',
  '//',
  '%',
  '%zz',
  '%ED%A0%80',
  '%C0%AE%C0%AE',
  '%FF',
  '?x=1',
  '#frag',
];

export const UNICODE_STRINGS = [
  '\uD800',
  '\uDFFF',
  'a\uD800b',
  '\uDC00\uD800',
  '\u202Eevil\u202C',
  '\u200F\u200E',
  'zero\u200Bwidth\u200D',
  '\uFEFFbom',
  'e\u0301\u0301\u0301\u0301',
  'Z̸̢̛̛͖͔̮̹̬͉̘̘̈́̀̓̂̾͗a̵̡̛̜l̴̰̪͋g̸o̷',
  '👩‍👩‍👧‍👦',
  '🇳🇴',
  '𝕏𝕐𝕑',
  'İıß',
  'ﬀﬁ',
  '\u0000',
  'nul\u0000inside',
  '\uFFFF\uFFFE',
  '\u2028\u2029',
  '\r\n\t\v\f',
  'Ωmega',
  '中文字符',
  'عربي',
];

export const MARKUP_STRINGS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '[x](javascript:alert(1))',
  '"><svg onload=alert(1)>',
  '{{constructor.constructor("x")()}}',
  '${process.exit(1)}',
];

export const SHAPE_STRINGS = [
  '',
  ' ',
  '   \t\n',
  '0',
  '-1',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  '9007199254740993',
  '99999999999999999999999',
  '1.5',
  ' 1',
  '١٢٣',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'http://',
  'https://a',
  '//evil.example',
  'mailto:x@y',
  'a@b',
  '2026-13-45T99:99:99Z',
  '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '2000-01-01T00:00:00.000+14:00',
  '+275760-09-13T00:00:00.000Z',
];

export const HOSTILE_STRINGS = [
  ...SQL_STRINGS,
  ...FTS_STRINGS,
  ...PATH_STRINGS,
  ...UNICODE_STRINGS,
  ...MARKUP_STRINGS,
  ...SHAPE_STRINGS,
];

/** Hostile text of every kind: the lists above, random Unicode (lone surrogates included), and huge strings. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom(...HOSTILE_STRINGS), { minLength: 2, maxLength: 5 })
      .map((parts) => parts.join(' ')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'é', '𝕏', '\u0000', ' ', '-', '"'), fc.constantFrom(201, 301, 1001, 5001, 70_000))
      .map(([c, n]) => c.repeat(n)),
  },
  // Defined below with the other text classes; chained, since it is read only when generating.
  { weight: 2, arbitrary: fc.constant(null).chain(() => unicodeTrickText) },
  // Work that grows faster than the input: deep Markdown nesting, searches of many short prefixes.
  { weight: 1, arbitrary: nestingStorm },
  { weight: 1, arbitrary: prefixStorm },
);

/** A JSON value of any type, some of them the edge values of their type. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0.0001,
      2 ** 31,
      2 ** 53,
      -(2 ** 53),
      1e308,
      -1e308,
      [],
      {},
      [[[]]],
      { '': null },
      [null],
    ),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.array(hostileString_(), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString_(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) },
);

function hostileString_(): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 12 }));
}

/**
 * Bidi controls (embeddings, overrides, isolates, marks) and invisible characters (zero-width
 * space and joiners, word joiner, BOM, soft hyphen, fillers): every one, so none is left to chance.
 * Names, slugs and URLs must refuse them; prose may keep them.
 */
export const SPOOFING_CHARACTERS = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u180E',
  '\u3164',
];

/** Every kind of lone surrogate: high or low, alone, reversed, or half of an emoji. */
export const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE00', '\uDC00\uD800'];

/** `inserted` put at the start, in the middle or at the end of `text`. */
function insertInto(text: string, inserted: string, where: number): string {
  const at = Math.floor((where * text.length) / 2);
  return text.slice(0, at) + inserted + text.slice(at);
}

const plainText = fc.oneof(
  fc.constantFrom('Ben Wicks', 'Unsplash', 'admin', 'paypal', 'exe.gnp', 'Techcrunch', 'souveraineté', 'a'),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** Plain text with bidi controls or invisible characters inside, as spoofed names are made. */
export const spoofingText: fc.Arbitrary<string> = fc
  .tuple(plainText, fc.array(fc.constantFrom(...SPOOFING_CHARACTERS), { minLength: 1, maxLength: 3 }), fc.nat(2))
  .map(([text, characters, where]) => insertInto(text, characters.join(''), where));

/** Plain text with a lone surrogate inside (JSON "\ud800"): ill-formed, refused everywhere. */
export const loneSurrogateText: fc.Arbitrary<string> = fc
  .tuple(plainText, fc.constantFrom(...LONE_SURROGATES), fc.nat(2))
  .map(([text, surrogate, where]) => insertInto(text, surrogate, where));

/** An http(s) URL with a bidi control or an invisible character in its host or path. */
export const spoofingUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('https://unsplash.com/@benwicks', 'https://techcrunch.com/2025/stargate', 'http://a.example/x'),
    fc.constantFrom(...SPOOFING_CHARACTERS),
    fc.constantFrom(10, 14, 20),
  )
  .map(([url, character, at]) => url.slice(0, at) + character + url.slice(at));

/** Text that is ill-formed or carries spoofing characters, for any string a request holds. */
export const unicodeTrickText: fc.Arbitrary<string> = fc.oneof(spoofingText, loneSurrogateText);
