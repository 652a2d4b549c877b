import { createPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { stargateNorway } from '../../../seeds/stargate-norway.js';
import {
  DIFF_LIMITS,
  type DiffFormat,
  diffRevisions,
  HUNK_CONTEXT,
  hunksOf,
  leadingContext,
  replacementPatch,
  trailingContext,
  wholeReplacement,
} from '../../../src/modules/articles/revisions/diff.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';

const content = (body: string) => ({ title: 'T', body }) as unknown as ArticleContent;
const diffIn = (format: DiffFormat, a: string, b: string) =>
  diffRevisions({ number: 1, content: content(a) }, { number: 2, content: content(b) }, format);
/** The body part of a diff in a format that has one. */
const bodyOf = (format: Exclude<DiffFormat, 'fields'>, a: string, b: string) => {
  const result = diffIn(format, a, b);
  if (result.format === 'fields') throw new Error('no body part');
  return result.body as Record<string, unknown> | null;
};
const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`).join('\n');

describe('diffRevisions, lines and words', () => {
  it('diffs a small edit in full', () => {
    expect(bodyOf('lines', 'one\ntwo\nthree', 'one\n2\nthree')).toEqual({
      changes: [
        { op: 'equal', value: 'one\n' },
        { op: 'delete', value: 'two\n' },
        { op: 'insert', value: '2\n' },
        { op: 'equal', value: 'three' },
      ],
      truncated: false,
    });
    expect(bodyOf('words', 'one two', 'one 2')).toEqual({
      changes: [
        { op: 'equal', value: 'one ' },
        { op: 'delete', value: 'two' },
        { op: 'insert', value: '2' },
      ],
      truncated: false,
    });
  });

  it('diffs up to the edit bound in full', () => {
    const half = DIFF_LIMITS.maxLineEdits / 2;
    expect(bodyOf('lines', lines(half, 'old'), lines(half, 'new'))).toEqual({
      changes: [
        { op: 'delete', value: lines(half, 'old') },
        { op: 'insert', value: lines(half, 'new') },
      ],
      truncated: false,
    });
  });

  it.each([1000, 2000, 4000])(
    'gives up on %i changed lines each side, answering a whole replacement in every format',
    (n) => {
      const [a, b] = [lines(n, 'old'), lines(n, 'new')];
      expect(bodyOf('lines', a, b)).toEqual({ changes: wholeReplacement(a, b), truncated: true });
      expect(bodyOf('words', a, b)).toEqual({ changes: wholeReplacement(a, b), truncated: true });
      expect(bodyOf('unified', a, b)).toEqual({
        unified: replacementPatch('body.md', a, b, 'revision 1', 'revision 2'),
        truncated: true,
      });
      expect(bodyOf('hunks', a, b)).toEqual({
        hunks: [{ old_line: 1, new_line: 1, changes: wholeReplacement(a, b) }],
        granularity: 'whole',
      });
    },
  );

  it('does not try a line diff of bodies with more lines than the bound, even when one line changed', () => {
    const a = 'x\n'.repeat(DIFF_LIMITS.maxLines / 2);
    expect(bodyOf('lines', a, `${a}y`)?.truncated).toBe(true);
    expect(bodyOf('unified', a, `${a}y`)?.truncated).toBe(true);
    expect(bodyOf('words', a, `${a}y`)?.truncated).toBe(false);
  });

  it('keeps the line diff but gives up the word diff when only the words are too many', () => {
    const words = (tag: string) => Array.from({ length: DIFF_LIMITS.maxWordEdits }, (_, i) => `${tag}${i}`).join(' ');
    expect(bodyOf('words', words('a'), words('b'))?.truncated).toBe(true);
    expect(bodyOf('lines', words('a'), words('b'))?.truncated).toBe(false);
    expect(bodyOf('unified', words('a'), words('b'))?.truncated).toBe(false);
    expect(bodyOf('hunks', words('a'), words('b'))).toEqual({
      hunks: [
        {
          old_line: 1,
          new_line: 1,
          changes: [
            { op: 'delete', value: words('a') },
            { op: 'insert', value: words('b') },
          ],
        },
      ],
      granularity: 'lines',
    });
  });
});

describe('diffRevisions sides and formats', () => {
  const article = (title: string, body: string) => ({ title, slug: 's', body }) as unknown as ArticleContent;

  it('lists each changed field with its old and new value, and says nothing of the body when it is the same', () => {
    const result = diffRevisions(
      { number: 4, content: article('Old', 'same') },
      { number: 7, content: article('New', 'same') },
    );
    expect(result).toEqual({
      from: 4,
      to: 7,
      format: 'hunks',
      fields: [{ field: 'title', old: 'Old', new: 'New' }],
      body: null,
    });
  });

  it.each(['lines', 'words', 'unified'] as const)('leaves the body null in %s when it is the same', (format) => {
    const result = diffRevisions(
      { number: 1, content: article('A', 'b') },
      { number: 2, content: article('B', 'b') },
      format,
    );
    expect(result).toEqual({ from: 1, to: 2, format, fields: [{ field: 'title', old: 'A', new: 'B' }], body: null });
  });

  it('gives every changed field whole, the body among them, in fields', () => {
    const result = diffRevisions(
      { number: 1, content: article('Old', 'Old body') },
      { number: 2, content: article('New', 'New body') },
      'fields',
    );
    expect(result).toEqual({
      from: 1,
      to: 2,
      format: 'fields',
      fields: [
        { field: 'title', old: 'Old', new: 'New' },
        { field: 'body', old: 'Old body', new: 'New body' },
      ],
    });
  });

  it('keeps the body out of fields in the other formats', () => {
    const result = diffRevisions(
      { number: 1, content: article('Old', 'Old body') },
      { number: 2, content: article('New', 'New body') },
      'words',
    );
    expect(result).toEqual({
      from: 1,
      to: 2,
      format: 'words',
      fields: [{ field: 'title', old: 'Old', new: 'New' }],
      body: {
        changes: [
          { op: 'delete', value: 'Old' },
          { op: 'insert', value: 'New' },
          { op: 'equal', value: ' body' },
        ],
        truncated: false,
      },
    });
  });

  it('diffs a first revision against nothing: every field new, the body inserted from "empty"', () => {
    const first = { number: 1, content: article('T', 'hello\n') };
    expect(diffRevisions(null, first, 'fields')).toMatchObject({
      from: null,
      to: 1,
      fields: expect.arrayContaining([
        { field: 'title', old: null, new: 'T' },
        { field: 'body', old: null, new: 'hello\n' },
      ]),
    });
    expect(diffRevisions(null, first, 'hunks')).toMatchObject({
      from: null,
      body: {
        hunks: [{ old_line: 1, new_line: 1, changes: [{ op: 'insert', value: 'hello\n' }] }],
        granularity: 'words',
      },
    });
    expect(diffRevisions(null, first, 'unified')).toMatchObject({
      body: { unified: createPatch('body.md', '', 'hello\n', 'empty', 'revision 1'), truncated: false },
    });
  });

  it('diffs an empty first revision too, rather than answering no body diff', () => {
    const first = { number: 1, content: article('T', '') };
    expect(diffRevisions(null, first, 'lines')).toMatchObject({ body: { changes: [], truncated: false } });
    expect(diffRevisions(null, first, 'hunks')).toMatchObject({ body: { hunks: [], granularity: 'words' } });
    expect(diffRevisions(null, first, 'unified')).toMatchObject({
      body: { unified: createPatch('body.md', '', '', 'empty', 'revision 1'), truncated: false },
    });
  });

  it('names the revisions in the unified diff', () => {
    expect(bodyOf('unified', 'a\n', 'b\n')?.unified).toBe(
      createPatch('body.md', 'a\n', 'b\n', 'revision 1', 'revision 2'),
    );
  });

  it('tries the line diff up to exactly the line bound of both bodies together', () => {
    const half = 'x\n'.repeat(DIFF_LIMITS.maxLines / 2 - 1);
    // Each side has maxLines / 2 lines (the last one empty): together exactly the bound.
    expect(bodyOf('lines', half, `${half}y`)?.truncated).toBe(false);
    expect(bodyOf('lines', half, `${half}y\n`)?.truncated).toBe(true);
  });

  it('tries the word diff up to exactly the character bound of both bodies together', () => {
    const side = 'w '.repeat(DIFF_LIMITS.maxWordChars / 4);
    expect(bodyOf('words', side, `${side.slice(0, -1)}v`)?.truncated).toBe(false);
    expect(bodyOf('words', side, `${side}v`)?.truncated).toBe(true);
    expect(bodyOf('words', `${side}v`, side)?.truncated).toBe(true);
  });
});

describe('diffRevisions hunks of the seeded body', () => {
  const base = stargateNorway.body;
  const seed = (body: string) => ({ ...content(body), title: stargateNorway.title });

  it('answers a one-word change in a few hundred bytes, not the body four times', () => {
    const result = diffRevisions(
      { number: 1, content: seed(base) },
      { number: 2, content: seed(base.replace('faite jeudi', 'faite mercredi')) },
    );
    expect(result).toEqual({
      from: 1,
      to: 2,
      format: 'hunks',
      fields: [],
      body: {
        hunks: [
          {
            old_line: 1,
            new_line: 1,
            changes: [
              { op: 'equal', value: 'L’annonce, faite ' },
              { op: 'delete', value: 'jeudi' },
              { op: 'insert', value: 'mercredi' },
              { op: 'equal', value: ', intrigue. D’un côté, OpenAI' },
            ],
          },
        ],
        granularity: 'words',
      },
    });
    expect(JSON.stringify(result).length).toBeLessThan(400);
  });

  it('gives one hunk per changed place, with the line where each starts on both sides', () => {
    const edited = base
      .replace('Notons que', 'Notons bien que')
      .replace('Narvik, avec', 'Narvik avec')
      .replace('\n\nEn toile de fond', '\n\nUn ajout.\n\nEn toile de fond');
    expect(diffRevisions({ number: 1, content: seed(base) }, { number: 2, content: seed(edited) })).toMatchObject({
      body: {
        hunks: [
          {
            old_line: 9,
            new_line: 9,
            changes: [
              { op: 'equal', value: 'le marché européen\u202f? Notons ' },
              { op: 'insert', value: 'bien ' },
              { op: 'equal', value: 'que cette annonce intervient sept' },
            ],
          },
          {
            old_line: 11,
            new_line: 11,
            changes: [
              { op: 'insert', value: 'Un ajout.\n\n' },
              { op: 'equal', value: 'En toile de fond, un' },
            ],
          },
          {
            old_line: 11,
            new_line: 13,
            changes: [
              { op: 'equal', value: 'chaleur et l’impact écologique. Narvik' },
              { op: 'delete', value: ',' },
              { op: 'equal', value: ' avec son énergie renouvelable et' },
            ],
          },
        ],
        granularity: 'words',
      },
    });
  });
});

describe('hunksOf', () => {
  const eq = (value: string) => ({ op: 'equal' as const, value });
  const del = (value: string) => ({ op: 'delete' as const, value });
  const ins = (value: string) => ({ op: 'insert' as const, value });

  it('keeps a few words between two changes on one line in one hunk', () => {
    expect(hunksOf([eq('a b '), del('c'), ins('C'), eq(' d e f g h i j k l m '), del('n'), eq(' o')])).toEqual([
      {
        old_line: 1,
        new_line: 1,
        changes: [eq('a b '), del('c'), ins('C'), eq(' d e f g h i j k l m '), del('n'), eq(' o')],
      },
    ]);
  });

  it('splits the hunk where more than ten words lie between two changes', () => {
    expect(hunksOf([del('c'), eq(' d e f g h i j k l m n '), del('o')])).toEqual([
      { old_line: 1, new_line: 1, changes: [del('c'), eq(' d e f g h')] },
      { old_line: 1, new_line: 1, changes: [eq('j k l m n '), del('o')] },
    ]);
  });

  it('splits the hunk at a line break between two changes, counting lines on each side', () => {
    expect(hunksOf([del('a\nb'), ins('x'), eq(' c\nd\ne '), ins('y\n'), del('z')])).toEqual([
      { old_line: 1, new_line: 1, changes: [del('a\nb'), ins('x'), eq(' c')] },
      { old_line: 4, new_line: 3, changes: [eq('e '), ins('y\n'), del('z')] },
    ]);
  });

  it('splits where the unchanged text between two changes is longer than twice the context', () => {
    const long = 'x'.repeat(2 * HUNK_CONTEXT.chars + 1);
    expect(hunksOf([del('a'), eq(long), del('b')])).toEqual([
      { old_line: 1, new_line: 1, changes: [del('a'), eq('x'.repeat(HUNK_CONTEXT.chars))] },
      { old_line: 1, new_line: 1, changes: [eq('x'.repeat(HUNK_CONTEXT.chars)), del('b')] },
    ]);
    const fits = 'x'.repeat(2 * HUNK_CONTEXT.chars);
    expect(hunksOf([del('a'), eq(fits), del('b')])).toEqual([
      { old_line: 1, new_line: 1, changes: [del('a'), eq(fits), del('b')] },
    ]);
  });

  it('ends the last hunk with at most five words of what follows, even when little follows', () => {
    expect(hunksOf([del('a'), eq(' b c d e f g h')])).toEqual([
      { old_line: 1, new_line: 1, changes: [del('a'), eq(' b c d e f')] },
    ]);
  });

  it('gives no context from a line that has nothing before or after the change', () => {
    expect(hunksOf([eq('a\n'), del('b'), eq('\nc')])).toEqual([{ old_line: 2, new_line: 2, changes: [del('b')] }]);
  });

  it('gives no hunk for no change', () => {
    expect(hunksOf([eq('a b c')])).toEqual([]);
    expect(hunksOf([])).toEqual([]);
  });
});

describe('context', () => {
  it('takes up to five words from the start of the first line, and from the end of the last', () => {
    expect(leadingContext(' one two three four five six\nseven')).toBe(' one two three four five');
    expect(leadingContext('one two\nthree')).toBe('one two');
    expect(leadingContext('\none')).toBe('');
    expect(trailingContext('zero\none two three four five six ')).toBe('two three four five six ');
    expect(trailingContext('one\ntwo three')).toBe('two three');
    expect(trailingContext('one\n')).toBe('');
  });

  it('takes at most 80 characters', () => {
    const word = 'w'.repeat(100);
    expect(leadingContext(word)).toBe('w'.repeat(HUNK_CONTEXT.chars));
    expect(trailingContext(`a ${word}`)).toBe('w'.repeat(HUNK_CONTEXT.chars));
  });

  it('counts characters as code points, never keeping half of an emoji', () => {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    // One character before the emoji puts every 80th UTF-16 unit in the middle of a pair.
    const leading = leadingContext(`x${'😀'.repeat(100)}`);
    const trailing = trailingContext(`${'🌊'.repeat(100)}x`);
    expect(leading).toBe(`x${'😀'.repeat(HUNK_CONTEXT.chars - 1)}`);
    expect(trailing).toBe(`${'🌊'.repeat(HUNK_CONTEXT.chars - 1)}x`);
    expect(leading).not.toMatch(lone);
    expect(trailing).not.toMatch(lone);
    expect(leadingContext('🇳🇴 fjord 😀😀 ok')).toBe('🇳🇴 fjord 😀😀 ok');
    expect(trailingContext('🇳🇴 fjord 😀😀 ok')).toBe('🇳🇴 fjord 😀😀 ok');
  });
});

describe('replacementPatch', () => {
  it.each([
    ['a\nb\n', 'c\nd\n'],
    ['a\nb', 'c'],
    ['', 'x\ny'],
    ['x\n', ''],
    ['', ''],
    ['a', 'b\n'],
  ])('writes what createPatch writes for %j and %j, which share no line', (a, b) => {
    expect(replacementPatch('body.md', a, b, 'revision 1', 'revision 2')).toBe(
      createPatch('body.md', a, b, 'revision 1', 'revision 2'),
    );
  });
});

describe('wholeReplacement', () => {
  it('deletes the old text and inserts the new, leaving out empty sides', () => {
    expect(wholeReplacement('a', 'b')).toEqual([
      { op: 'delete', value: 'a' },
      { op: 'insert', value: 'b' },
    ]);
    expect(wholeReplacement('', 'b')).toEqual([{ op: 'insert', value: 'b' }]);
    expect(wholeReplacement('a', '')).toEqual([{ op: 'delete', value: 'a' }]);
  });
});
