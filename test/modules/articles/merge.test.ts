import { describe, expect, it } from 'vitest';
import { changedFields, mergeEdit } from '../../../src/modules/articles/revisions/merge.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';

const content = (overrides: Partial<ArticleContent> = {}): ArticleContent => ({
  title: 'Title',
  slug: 'title',
  standfirst: null,
  body: 'Body',
  tags: [{ slug: 'a', name: 'A' }],
  credits: [],
  hero_image: null,
  source: null,
  ai_generated: false,
  ...overrides,
});

describe('changedFields', () => {
  it('compares values, not key order', () => {
    const a = content({ source: { name: 'X', url: null } });
    const b = content({ source: { url: null, name: 'X' } });
    expect(changedFields(a, b)).toEqual([]);
    expect(changedFields(a, content({ tags: [] }))).toEqual(['tags', 'source']);
    const hero = (entries: [string, unknown][]) => content({ hero_image: Object.fromEntries(entries) as never });
    const keys: [string, unknown][] = [
      ['url', null],
      ['alt', 'A'],
      ['caption', null],
      ['credit', null],
    ];
    for (const order of [keys, [...keys].reverse(), [keys[2], keys[0], keys[3], keys[1]] as [string, unknown][]]) {
      expect(changedFields(hero(keys), hero(order))).toEqual([]);
    }
  });
});

describe('mergeEdit', () => {
  const base = { number: 1, content: content() };

  it('writes onto an unchanged head without marking a merge', () => {
    expect(mergeEdit(base, base, { title: 'New' })).toEqual({
      kind: 'write',
      content: content({ title: 'New' }),
      changedFields: ['title'],
      mergedOnto: null,
    });
  });

  it('is a no-op when the edit repeats the base', () => {
    expect(mergeEdit(base, base, { title: 'Title', body: 'Body' })).toEqual({ kind: 'noop' });
  });

  it('merges onto a moved head when the fields do not overlap', () => {
    const head = { number: 3, content: content({ body: 'Their body' }) };
    expect(mergeEdit(base, head, { title: 'Mine', body: 'Body' })).toEqual({
      kind: 'write',
      content: content({ title: 'Mine', body: 'Their body' }),
      changedFields: ['title'],
      mergedOnto: 3,
    });
  });

  it('lists each overlapping field as a conflict with base, theirs and yours', () => {
    const head = { number: 2, content: content({ tags: [] }) };
    expect(mergeEdit(base, head, { tags: [{ slug: 'b', name: 'B' }] })).toEqual({
      kind: 'conflict',
      conflicts: [{ field: 'tags', base: [{ slug: 'a', name: 'A' }], theirs: [], yours: [{ slug: 'b', name: 'B' }] }],
    });
  });

  it('a whole edit (restore) equals its content or conflicts where it would undo an unseen change', () => {
    const head = { number: 2, content: content({ title: 'Seen' }) };
    const target = content({ title: 'Old', body: 'Old body' });
    expect(mergeEdit(head, head, target, { whole: true })).toMatchObject({ kind: 'write', content: target });
    expect(mergeEdit(base, head, target, { whole: true })).toMatchObject({
      kind: 'conflict',
      conflicts: [{ field: 'title', base: 'Title', theirs: 'Seen', yours: 'Old' }],
    });
  });

  it('does not merge a restored body: it equals the restored one, or conflicts whole', () => {
    const two = { number: 2, content: content({ body: 'One.\n\nTwo.' }) };
    const head = { number: 3, content: content({ body: 'One.\n\nTwo!' }) };
    const target = content({ body: 'One!\n\nTwo.' });
    expect(mergeEdit(two, head, target, { whole: true })).toEqual({
      kind: 'conflict',
      conflicts: [{ field: 'body', base: 'One.\n\nTwo.', theirs: 'One.\n\nTwo!', yours: 'One!\n\nTwo.' }],
    });
  });
});

describe('mergeEdit of the body', () => {
  const base = { number: 1, content: content({ title: 'T', body: 'One.\n\nTwo.\n\nThree.' }) };

  it('merges edits to different paragraphs, with the other fields', () => {
    const head = { number: 2, content: content({ title: 'T2', body: 'One!\n\nTwo.\n\nThree.' }) };
    expect(mergeEdit(base, head, { title: 'T', body: 'One.\n\nTwo.\n\nThree!', ai_generated: true })).toEqual({
      kind: 'write',
      content: content({ title: 'T2', body: 'One!\n\nTwo.\n\nThree!', ai_generated: true }),
      changedFields: ['body', 'ai_generated'],
      mergedOnto: 2,
    });
  });

  it('lists each conflicting passage of the body after the conflicting fields before it', () => {
    const head = { number: 2, content: content({ title: 'Theirs', body: 'One.\n\nTwo, theirs.\n\nThree.' }) };
    expect(mergeEdit(base, head, { title: 'Mine', body: 'One.\n\nTwo, mine.\n\nThree!' })).toEqual({
      kind: 'conflict',
      conflicts: [
        { field: 'title', base: 'T', theirs: 'Theirs', yours: 'Mine' },
        {
          field: 'body',
          passage: { paragraphs: { start: 1, end: 2 }, lines: { start: 2, end: 3 } },
          base: 'Two.',
          theirs: 'Two, theirs.',
          yours: 'Two, mine.',
        },
      ],
    });
  });

  it('conflicts on the whole body when the merged one would be longer than a body may be', () => {
    // Theirs and mine each fit; merged, "A…\n\nTwo.\n\nB…" is 8 characters more than the two runs.
    const head = { number: 2, content: content({ title: 'T', body: `${'a'.repeat(250_000)}\n\nTwo.\n\nThree.` }) };
    const fits = `One.\n\nTwo.\n\n${'b'.repeat(249_992)}`;
    expect(mergeEdit(base, head, { body: fits })).toMatchObject({
      kind: 'write',
      content: { body: `${'a'.repeat(250_000)}\n\nTwo.\n\n${'b'.repeat(249_992)}` },
    });
    const tooLong = `One.\n\nTwo.\n\n${'b'.repeat(249_993)}`;
    expect(mergeEdit(base, head, { body: tooLong })).toEqual({
      kind: 'conflict',
      conflicts: [{ field: 'body', base: base.content.body, theirs: head.content.body, yours: tooLong }],
    });
  });

  it('is a no-op when the merged body is the head’s', () => {
    const head = { number: 2, content: content({ title: 'T', body: 'One!\n\nTwo.\n\nThree!' }) };
    expect(mergeEdit(base, head, { body: 'One.\n\nTwo.\n\nThree!' })).toEqual({ kind: 'noop' });
  });
});
