import { type Change, createPatch, diffLines, diffWordsWithSpace } from 'diff';
import type { RevisionDiff } from '../editor-schemas.js';
import type { ArticleContent } from '../schemas.js';
import { changedFields } from './merge.js';

/**
 * Myers' diff costs about (old + new length) × edits, so two long, very different bodies took
 * seconds. Each diff gives up past a number of edits (lines, or words and spaces), and is not tried
 * on texts too long to split cheaply; it then answers a whole replacement, flagged `truncated`.
 * Counts, not a clock: the same revisions always get the same answer. At these limits the costliest
 * diff stays in the tens of milliseconds.
 */
export const DIFF_LIMITS = {
  maxLineEdits: 500,
  /** Lines of both bodies together. */
  maxLines: 20_000,
  maxWordEdits: 500,
  /** Characters of both bodies together (a 100 KB body each side). */
  maxWordChars: 200_000,
} as const;

type TextChange = { op: 'equal' | 'insert' | 'delete'; value: string };

function toChanges(changes: Change[]): TextChange[] {
  return changes.map((c) => ({
    op: c.added ? ('insert' as const) : c.removed ? ('delete' as const) : ('equal' as const),
    value: c.value,
  }));
}

/** Everything old deleted, everything new inserted: what a diff that gave up says. */
export function wholeReplacement(oldText: string, newText: string): TextChange[] {
  return [
    ...(oldText ? [{ op: 'delete' as const, value: oldText }] : []),
    ...(newText ? [{ op: 'insert' as const, value: newText }] : []),
  ];
}

const lineCount = (text: string) => {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
};

/** A text's lines prefixed by `sign`, with the marker diff(1) gives a last line without a newline. */
function hunkLines(text: string, sign: '-' | '+'): { text: string; count: number } {
  if (text === '') return { text: '', count: 0 };
  const endsWithNewline = text.endsWith('\n');
  const body = endsWithNewline ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  // One join, no per-line formatting: a body may hold half a million lines (V8's replaceAll is slower here).
  const prefixed = `${sign}${lines.join(`\n${sign}`)}\n`;
  return { text: endsWithNewline ? prefixed : `${prefixed}\\ No newline at end of file\n`, count: lines.length };
}

/** A unified diff with one hunk that replaces every line: what `createPatch` gives two texts with nothing in common. */
export function replacementPatch(
  fileName: string,
  oldText: string,
  newText: string,
  oldHeader: string,
  newHeader: string,
): string {
  const removed = hunkLines(oldText, '-');
  const added = hunkLines(newText, '+');
  const header =
    `Index: ${fileName}\n${'='.repeat(67)}\n` + `--- ${fileName}\t${oldHeader}\n+++ ${fileName}\t${newHeader}\n`;
  if (removed.count + added.count === 0) return header;
  const range = (count: number) => `${count === 0 ? 0 : 1},${count}`;
  return `${header}@@ -${range(removed.count)} +${range(added.count)} @@\n${removed.text}${added.text}`;
}

function bodyDiff(oldBody: string, newBody: string, fromLabel: string, toLabel: string) {
  const linesFit = lineCount(oldBody) + lineCount(newBody) <= DIFF_LIMITS.maxLines;
  const wordsFit = oldBody.length + newBody.length <= DIFF_LIMITS.maxWordChars;
  const lines = linesFit ? diffLines(oldBody, newBody, { maxEditLength: DIFF_LIMITS.maxLineEdits }) : undefined;
  const words = wordsFit
    ? diffWordsWithSpace(oldBody, newBody, { maxEditLength: DIFF_LIMITS.maxWordEdits })
    : undefined;
  // The unified diff is the line diff again: it is only tried when that one did not give up.
  const unified = lines
    ? createPatch('body.md', oldBody, newBody, fromLabel, toLabel, { maxEditLength: DIFF_LIMITS.maxLineEdits })
    : undefined;
  return {
    lines: lines ? toChanges(lines) : wholeReplacement(oldBody, newBody),
    words: words ? toChanges(words) : wholeReplacement(oldBody, newBody),
    unified: unified ?? replacementPatch('body.md', oldBody, newBody, fromLabel, toLabel),
    truncated: { lines: !lines, words: !words, unified: unified === undefined },
  };
}

/** One side of a diff: a revision's number and content. */
export interface DiffSide {
  number: number;
  content: ArticleContent;
}

/** What changed from one snapshot to another: each field's old and new value, and the body as text diffs. */
export function diffRevisions(from: DiffSide | null, to: DiffSide): RevisionDiff {
  const fields = changedFields(from?.content ?? null, to.content).map((field) => ({
    field,
    old: from ? from.content[field] : null,
    new: to.content[field],
  }));
  const oldBody = from?.content.body ?? '';
  const newBody = to.content.body;
  const fromLabel = from ? `revision ${from.number}` : 'empty';
  const body =
    from !== null && oldBody === newBody ? null : bodyDiff(oldBody, newBody, fromLabel, `revision ${to.number}`);
  return { from: from?.number ?? null, to: to.number, fields, body };
}
