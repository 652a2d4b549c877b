import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { BadRequestError } from '../../src/errors.js';
import { renderCommentBody } from '../../src/modules/comments/text.js';
import { parseSearch, SEARCH_LIMITS, toFtsQuery } from '../../src/modules/search/query.js';
import { decodeCursor, encodeCursor } from '../../src/shared/cursor.js';
import { renderMarkdown } from '../../src/shared/markdown.js';
import { MAX_NESTING, nestingDepth } from '../../src/shared/markdown-nesting.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN, slugify } from '../../src/shared/slug.js';
import { FTS_STRINGS, fuzzRuns, fuzzSeed, HOSTILE_STRINGS, hostileString, MARKUP_STRINGS } from './hostile.js';
import { nestingStorm, prefixStorm } from './storms.js';

const RUNS = fuzzRuns(300);
const options = { numRuns: RUNS, seed: fuzzSeed() };
let cases = 0;

afterAll(() => {
  process.stdout.write(`fuzz (pure functions): ${cases} cases\n`);
});

/** Text that mixes hostile fragments with random words, as a reader or an editor might paste it. */
const text = fc
  .array(
    fc.oneof(
      hostileString,
      fc.constantFrom(...FTS_STRINGS, ...MARKUP_STRINGS),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom(' ', '\n', '\n\n', '"', '*', '`'),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

/** The FTS5 query for the input, or null when it is refused with a 400; any other error fails the case. */
function ftsQueryOrRefused(input: string): string | null {
  try {
    return toFtsQuery(parseSearch(input));
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return null;
  }
}

describe('toFtsQuery against the real FTS5 table', () => {
  const database = openDatabase(':memory:');
  runMigrations(database.db);
  database.sqlite
    .prepare("insert into articles_fts (rowid, title, standfirst, body, tags) values (1, 'Norvège', '', 'data', '')")
    .run();
  const match = database.sqlite.prepare('select count(*) as n from articles_fts where articles_fts match ?');
  afterAll(() => database.close());

  it('either refuses with a 400 or returns a query FTS5 accepts, made of whole characters', () => {
    fc.assert(
      fc.property(text, (input) => {
        cases++;
        const query = ftsQueryOrRefused(input);
        if (query === null) return;
        expect(query).not.toMatch(/\p{Cs}/u);
        expect(() => match.get(query)).not.toThrow();
      }),
      options,
    );
  });
});

describe('toFtsQuery on prefix storms', () => {
  it('refuses with a 400 or keeps within the term and prefix limits, every prefix two letters or more', () => {
    fc.assert(
      fc.property(prefixStorm, (input) => {
        cases++;
        const query = ftsQueryOrRefused(input);
        if (query === null) return;
        const terms = query.split(' ');
        const prefixes = terms.filter((t) => t.endsWith('*'));
        expect(terms.length).toBeLessThanOrEqual(SEARCH_LIMITS.maxTerms);
        expect(prefixes.length).toBeLessThanOrEqual(SEARCH_LIMITS.maxPrefixTerms);
        for (const p of prefixes) expect([...p.slice(1, -2)].length).toBeGreaterThanOrEqual(2);
      }),
      options,
    );
  });
});

describe('renderMarkdown and nestingDepth on nesting storms', () => {
  it('renders every storm without throwing, as Markdown only within the bound', () => {
    fc.assert(
      fc.property(nestingStorm, (input) => {
        cases++;
        const { blocks, emphasis } = nestingDepth(input);
        const html = renderMarkdown(input);
        if (Math.max(blocks, emphasis) > MAX_NESTING) expect(html.startsWith('<pre>')).toBe(true);
      }),
      { ...options, numRuns: Math.min(RUNS, 60) },
    );
  });
});

describe('slugify', () => {
  it('returns a valid slug (or nothing), never longer than the limit, and is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 400 })), (input) => {
        cases++;
        const slug = slugify(input);
        if (slug !== '') expect(slug).toMatch(SLUG_PATTERN);
        expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
        expect(slugify(slug)).toBe(slug);
      }),
      options,
    );
  });
});

describe('decodeCursor', () => {
  const shapes = [['integer'], ['integer', 'integer'], ['number', 'string'], ['string', 'string']] as const;
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'undefined').toString('base64url');
  const cursor = fc.oneof(
    hostileString,
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.jsonValue({ maxDepth: 3 }).map(base64),
    fc.constantFrom('W10', 'WzFd', 'bnVsbA', '=', 'WzEsMl0=', 'eyJhIjoxfQ').map(String),
    fc.base64String({ maxLength: 40 }),
  );

  it('either refuses with a 400 or returns keys of the expected types', () => {
    fc.assert(
      fc.property(cursor, fc.constantFrom(...shapes), (input, shape) => {
        cases++;
        let keys: readonly (string | number)[];
        try {
          keys = decodeCursor(input, shape);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
          return;
        }
        expect(keys).toHaveLength(shape.length);
        shape.forEach((type, i) => {
          if (type === 'string') expect(typeof keys[i]).toBe('string');
          else expect(Number.isFinite(keys[i])).toBe(true);
        });
      }),
      options,
    );
  });

  it('round-trips every cursor it encodes', () => {
    // Every key the server can issue: a score within a real's range, text without NUL.
    const score = fc.double({ noNaN: true, min: -3.4e38, max: 3.4e38 });
    const text = fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(score, text, (n, s) => {
        cases++;
        const [score, id] = decodeCursor(encodeCursor([n, s]), ['number', 'string'] as const);
        expect(score).toBe(n === 0 ? 0 : n);
        expect(id).toBe(s);
      }),
      options,
    );
  });

  it('refuses keys no column can compare: past 32 bits for an id, past a real, NUL in text', () => {
    const refused = (keys: unknown[], shape: readonly ('string' | 'integer' | 'id' | 'number')[]) =>
      expect(() => decodeCursor(Buffer.from(JSON.stringify(keys)).toString('base64url'), shape)).toThrow(
        'The cursor is not one this server issued',
      );
    expect(decodeCursor(encodeCursor([2_147_483_647]), ['id'] as const)).toEqual([2_147_483_647]);
    expect(decodeCursor(encodeCursor([0]), ['id'] as const)).toEqual([0]);
    refused([2_147_483_648], ['id']);
    refused([-1], ['id']);
    refused([1.5], ['id']);
    expect(decodeCursor(encodeCursor([9_007_199_254_740_991]), ['integer'] as const)).toEqual([9_007_199_254_740_991]);
    expect(decodeCursor(encodeCursor([-3.4e38]), ['number'] as const)).toEqual([-3.4e38]);
    refused([3.5e38], ['number']);
    refused([-3.5e38], ['number']);
    refused(['a\u0000b'], ['string']);
  });
});

interface Tag {
  name: string;
  attributes: Map<string, string>;
}

/** sanitize-html writes every attribute double-quoted with `"` escaped, so tags can be read back with a regex. */
function tagsOf(html: string): Tag[] {
  return [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)].map(([, name = '', rest = '']) => ({
    name: name.toLowerCase(),
    attributes: new Map(
      [...rest.matchAll(/([^\s="'/]+)(?:="([^"]*)")?/g)].map(([, key = '', value = '']) => [key.toLowerCase(), value]),
    ),
  }));
}

const decodeEntities = (value: string) =>
  value
    .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/** A URL as a browser reads it: entities decoded, control characters and spaces ignored. */
const schemeOf = (url: string) =>
  decodeEntities(url)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip these inside a scheme
    .replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
    .toLowerCase();

describe('renderMarkdown', () => {
  const markdown = fc
    .array(
      fc.oneof(
        text,
        fc.constantFrom(
          ...MARKUP_STRINGS,
          '<a href="jav&#x09;ascript:alert(1)">x</a>',
          '<IMG SRC=JaVaScRiPt:alert(1)>',
          '[a](  javascript:alert(1) )',
          '[a](<javascript:alert(1)>)',
          '![i](data:text/html,x)',
          '<div onclick="x">',
          '<svg/onload=alert(1)>',
          '<a href="vbscript:x">',
          '```\n<script>\n```',
          '> <script>',
          '* [x](java\0script:alert(1))',
          '[ref]: javascript:alert(1)\n[ref]',
          '<scr<script>ipt>',
          '<details ontoggle=alert(1) open>',
        ),
        fc.constantFrom('\n', '\n\n', '# ', '> ', '- ', '`', '**', '[', '](', ')', '<', '>', '"', "'", '='),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));

  it('never lets a script, an event handler or a script URL through', () => {
    fc.assert(
      fc.property(markdown, (input) => {
        cases++;
        const html = renderMarkdown(input);
        for (const tag of tagsOf(html)) {
          expect(['script', 'iframe', 'object', 'embed', 'svg', 'style']).not.toContain(tag.name);
          for (const [name, value] of tag.attributes) {
            expect(name.startsWith('on'), `${name} in ${html}`).toBe(false);
            if (name === 'href' || name === 'src')
              expect(schemeOf(value)).not.toMatch(/^(?:javascript|vbscript|data):/);
          }
        }
      }),
      options,
    );
  });
});

describe('renderCommentBody', () => {
  it('escapes everything but its own links and line breaks, and loses no character', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          fc.constantFrom(...HOSTILE_STRINGS).map((s) => `see https://x.example/${s} or www.${s}.`),
        ),
        (body) => {
          cases++;
          const html = renderCommentBody(body);
          const links = /<a href="(https?:\/\/[^"]*)" rel="nofollow ugc noopener">([^<]*)<\/a>/g;
          for (const [, href = ''] of html.matchAll(links)) expect(decodeEntities(href)).toMatch(/^https?:\/\//i);
          const rest = html.replace(links, '$2').replaceAll('<br>', '\n');
          expect(rest).not.toMatch(/[<>"]/);
          expect(decodeEntities(rest)).toBe(body.replace(/\r\n|\r/g, '\n'));
        },
      ),
      options,
    );
  });
});
