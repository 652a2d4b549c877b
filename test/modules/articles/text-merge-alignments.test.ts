import { describe, expect, it } from 'vitest';
import { mergeText } from '../../../src/modules/articles/revisions/text-merge.js';

/** One conflicting passage, paragraphs [start, end) and lines [first, last) of the base. */
const passage = (
  start: number,
  end: number,
  first: number,
  last: number,
  base: string,
  theirs: string,
  yours: string,
) => ({
  passage: { paragraphs: { start, end }, lines: { start: first, end: last } },
  base,
  theirs,
  yours,
});

describe('mergeText where one side deleted or rewrote what the other wrote next to', () => {
  it('merges a paragraph inserted after one the other side deleted', () => {
    expect(mergeText('B\n\nC', 'B\n\nN\n\nC', 'C')).toEqual({ kind: 'merged', text: 'N\n\nC' });
  });

  it('merges a paragraph appended to a one-paragraph text the other side rewrote as two', () => {
    expect(mergeText('A', 'A\n\nN', 'C\n\nM')).toEqual({ kind: 'merged', text: 'C\n\nM\n\nN' });
  });

  it('merges paragraphs inserted before a paragraph the other side deleted, even one that repeats a kept paragraph', () => {
    expect(mergeText('A\n\nB', 'B', 'B\n\nA\n\nB')).toEqual({ kind: 'merged', text: 'B\n\nB' });
    expect(mergeText('A\n\nB', 'B\n\nM\n\nA\n\nB', 'B')).toEqual({ kind: 'merged', text: 'B\n\nM\n\nB' });
  });

  it('conflicts on a paragraph one side wrote after a paragraph the other side wrote it in place of', () => {
    expect(mergeText('B\n\nC', 'B\n\nC\n\nB', 'N\n\nB')).toEqual({
      kind: 'conflict',
      conflicts: [passage(1, 2, 2, 3, 'C', 'C\n\nB', 'B')],
    });
  });

  it('names both passages when one side rewrote every paragraph and the other deleted one and added one', () => {
    expect(mergeText('A\n\nC', 'M\n\nN', 'C\n\nN')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 1, 0, 1, 'A', 'M', ''), passage(1, 2, 2, 3, 'C', 'N', 'C\n\nN')],
    });
  });

  it('conflicts on a paragraph one side deleted and the other wrote a paragraph before', () => {
    expect(mergeText('B\n\nC', 'C', 'N\n\nB')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 1, 0, 1, 'B', '', 'N')],
    });
  });
});

describe('mergeText on changes that touch where the other side inserted', () => {
  it('keeps in the passage a paragraph one side inserted right after the text the other side deleted', () => {
    expect(mergeText('C\n\nA', 'A\n\nN', '')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 2, 0, 3, 'C\n\nA', 'A\n\nN', '')],
    });
  });

  it('keeps in the passage paragraphs one side wrote on both sides of the paragraph the other side replaced', () => {
    expect(mergeText('A', 'N', 'N\n\nA\n\nN')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 1, 0, 1, 'A', 'N', 'N\n\nA\n\nN')],
    });
  });

  it('keeps in one passage a change that starts where the other side inserted a paragraph inside its own change', () => {
    expect(mergeText('B\n\nA\n\nC', 'M\n\nC\n\nA\n\nC1', 'C')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 3, 0, 5, 'B\n\nA\n\nC', 'M\n\nC\n\nA\n\nC1', 'C')],
    });
  });
});

describe('mergeText on paragraphs both sides wrote at places apart', () => {
  it('names two passages apart when two paragraphs would each be held twice', () => {
    expect(mergeText('C\n\nC\n\nA', 'C\n\nN\n\nC\n\nA\n\nB', 'N\n\nC\n\nB\n\nA')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 1, 0, 1, 'C', 'C\n\nN', 'N'), passage(2, 3, 4, 5, 'A', 'A\n\nB', 'B\n\nA')],
    });
  });

  it('names one passage where the stretches of two such paragraphs overlap', () => {
    expect(mergeText('A\n\nA', 'B\n\nN', 'N\n\nA\n\nB\n\nA')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 2, 0, 3, 'A\n\nA', 'B\n\nN', 'N\n\nA\n\nB\n\nA')],
    });
    expect(mergeText('C\n\nB', 'A\n\nN\n\nB', 'M\n\nC\n\nB\n\nN\n\nA')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 2, 0, 3, 'C\n\nB', 'A\n\nN\n\nB', 'M\n\nC\n\nB\n\nN\n\nA')],
    });
  });

  it('names one passage where the stretches of two such paragraphs meet', () => {
    expect(mergeText('C\n\n\nC', 'N\n\n\nC\n\n\nM', 'C\n\n\nM\n\n\nN\n\n\nC')).toEqual({
      kind: 'conflict',
      conflicts: [passage(0, 2, 0, 4, 'C\n\n\nC', 'N\n\n\nC\n\n\nM', 'C\n\n\nM\n\n\nN\n\n\nC')],
    });
  });

  it('merges a paragraph both sides inserted when one side also wrote it a second time, whichever side', () => {
    expect(mergeText('A', 'P\n\nA\n\nP', 'P\n\nA')).toEqual({ kind: 'merged', text: 'P\n\nA\n\nP' });
    expect(mergeText('A', 'P\n\nA', 'P\n\nA\n\nP')).toEqual({ kind: 'merged', text: 'P\n\nA\n\nP' });
    expect(mergeText('A\n\nB', 'P\n\nA\n\nP\n\nB', 'P\n\nA\n\nB2')).toEqual({
      kind: 'merged',
      text: 'P\n\nA\n\nP\n\nB2',
    });
  });
});
