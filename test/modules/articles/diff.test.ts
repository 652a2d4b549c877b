import { createPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import {
  DIFF_LIMITS,
  diffRevisions,
  replacementPatch,
  wholeReplacement,
} from '../../../src/modules/articles/revisions/diff.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';

const content = (body: string) => ({ title: 'T', body }) as unknown as ArticleContent;
const diff = (a: string, b: string) =>
  diffRevisions({ number: 1, content: content(a) }, { number: 2, content: content(b) });
const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`).join('\n');

describe('diffRevisions', () => {
  it('diffs a small edit in full', () => {
    const body = diff('one\ntwo\nthree', 'one\n2\nthree').body;
    expect(body?.truncated).toEqual({ lines: false, words: false, unified: false });
    expect(body?.lines).toEqual([
      { op: 'equal', value: 'one\n' },
      { op: 'delete', value: 'two\n' },
      { op: 'insert', value: '2\n' },
      { op: 'equal', value: 'three' },
    ]);
  });

  it('diffs up to the edit bound in full', () => {
    const half = DIFF_LIMITS.maxLineEdits / 2;
    const body = diff(lines(half, 'old'), lines(half, 'new')).body;
    expect(body?.truncated.lines).toBe(false);
    expect(body?.lines).toEqual([
      { op: 'delete', value: lines(half, 'old') },
      { op: 'insert', value: lines(half, 'new') },
    ]);
  });

  it.each([1000, 2000, 4000])(
    'gives up on %i changed lines each side, answering a whole replacement in every part',
    (n) => {
      const [a, b] = [lines(n, 'old'), lines(n, 'new')];
      const body = diff(a, b).body;
      expect(body).toEqual({
        lines: wholeReplacement(a, b),
        words: wholeReplacement(a, b),
        unified: replacementPatch('body.md', a, b, 'revision 1', 'revision 2'),
        truncated: { lines: true, words: true, unified: true },
      });
    },
  );

  it('does not try a line diff of bodies with more lines than the bound, even when one line changed', () => {
    const a = 'x\n'.repeat(DIFF_LIMITS.maxLines / 2);
    const body = diff(a, `${a}y`).body;
    expect(body?.truncated).toEqual({ lines: true, words: false, unified: true });
  });

  it('keeps the line diff but gives up the word diff when only the words are too many', () => {
    const words = (tag: string) => Array.from({ length: DIFF_LIMITS.maxWordEdits }, (_, i) => `${tag}${i}`).join(' ');
    const body = diff(words('a'), words('b')).body;
    expect(body?.truncated).toEqual({ lines: false, words: true, unified: false });
  });
});

describe('diffRevisions sides and bounds', () => {
  const article = (title: string, body: string) => ({ title, slug: 's', body }) as unknown as ArticleContent;

  it('lists each changed field with its old and new value, and says nothing of the body when it is the same', () => {
    const result = diffRevisions(
      { number: 4, content: article('Old', 'same') },
      { number: 7, content: article('New', 'same') },
    );
    expect(result).toEqual({ from: 4, to: 7, fields: [{ field: 'title', old: 'Old', new: 'New' }], body: null });
  });

  it('diffs a first revision against nothing: every field new, the body inserted from "empty"', () => {
    const result = diffRevisions(null, { number: 1, content: article('T', 'hello\n') });
    expect(result.from).toBeNull();
    expect(result.to).toBe(1);
    expect(result.fields).toEqual(
      expect.arrayContaining([
        { field: 'title', old: null, new: 'T' },
        { field: 'body', old: null, new: 'hello\n' },
      ]),
    );
    expect(result.body).toEqual({
      lines: [{ op: 'insert', value: 'hello\n' }],
      words: [{ op: 'insert', value: 'hello\n' }],
      unified: createPatch('body.md', '', 'hello\n', 'empty', 'revision 1'),
      truncated: { lines: false, words: false, unified: false },
    });
  });

  it('diffs an empty first revision too, rather than answering no body diff', () => {
    const result = diffRevisions(null, { number: 1, content: article('T', '') });
    expect(result.body).toEqual({
      lines: [],
      words: [],
      unified: createPatch('body.md', '', '', 'empty', 'revision 1'),
      truncated: { lines: false, words: false, unified: false },
    });
  });

  it('names the revisions in the unified diff', () => {
    expect(diff('a\n', 'b\n').body?.unified).toBe(createPatch('body.md', 'a\n', 'b\n', 'revision 1', 'revision 2'));
  });

  it('tries the line diff up to exactly the line bound of both bodies together', () => {
    const half = 'x\n'.repeat(DIFF_LIMITS.maxLines / 2 - 1);
    // Each side has maxLines / 2 lines (the last one empty): together exactly the bound.
    expect(diff(half, `${half}y`).body?.truncated.lines).toBe(false);
    expect(diff(half, `${half}y\n`).body?.truncated.lines).toBe(true);
  });

  it('tries the word diff up to exactly the character bound of both bodies together', () => {
    const side = 'w '.repeat(DIFF_LIMITS.maxWordChars / 4);
    expect(diff(side, `${side.slice(0, -1)}v`).body?.truncated.words).toBe(false);
    expect(diff(side, `${side}v`).body?.truncated.words).toBe(true);
    expect(diff(`${side}v`, side).body?.truncated.words).toBe(true);
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
