import { type Change, createPatch, diffLines, diffWordsWithSpace } from 'diff';
import type { RevisionDiff } from '../editor-schemas.js';
import type { ArticleContent } from '../schemas.js';
import { type ContentField, changedFields } from './merge.js';

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

export type TextChange = { op: 'equal' | 'insert' | 'delete'; value: string };

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

const linesFit = (a: string, b: string) => lineCount(a) + lineCount(b) <= DIFF_LIMITS.maxLines;
const wordsFit = (a: string, b: string) => a.length + b.length <= DIFF_LIMITS.maxWordChars;

/** The line diff, or undefined where it gives up. */
function lineChanges(oldBody: string, newBody: string): TextChange[] | undefined {
  if (!linesFit(oldBody, newBody)) return undefined;
  const changes = diffLines(oldBody, newBody, { maxEditLength: DIFF_LIMITS.maxLineEdits });
  return changes && toChanges(changes);
}

/** The word diff (words and the spaces between them), or undefined where it gives up. */
function wordChanges(oldBody: string, newBody: string): TextChange[] | undefined {
  if (!wordsFit(oldBody, newBody)) return undefined;
  const changes = diffWordsWithSpace(oldBody, newBody, { maxEditLength: DIFF_LIMITS.maxWordEdits });
  return changes && toChanges(changes);
}

/**
 * Around each change, at most this many words of unchanged text, on its own line, and this many
 * characters (code points: a cut never splits a surrogate pair, which strict UTF-8 clients reject).
 */
export const HUNK_CONTEXT = { words: 5, chars: 80 } as const;

/** The start of an unchanged run that follows a change: its first words, up to the first line break. */
export function leadingContext(text: string): string {
  const lineEnd = text.indexOf('\n');
  const piece = [...(lineEnd === -1 ? text : text.slice(0, lineEnd))].slice(0, HUNK_CONTEXT.chars).join('');
  return (piece.match(/\s*\S+/g) ?? []).slice(0, HUNK_CONTEXT.words).join('');
}

/** The end of an unchanged run that precedes a change: its last words, back to the last line break. */
export function trailingContext(text: string): string {
  const piece = [...text.slice(text.lastIndexOf('\n') + 1)].slice(-HUNK_CONTEXT.chars).join('');
  return (piece.match(/\S+\s*/g) ?? []).slice(-HUNK_CONTEXT.words).join('');
}

/** An unchanged run short enough to keep whole between two changes of one hunk. */
function bridges(text: string): boolean {
  return (
    !text.includes('\n') &&
    text.length <= 2 * HUNK_CONTEXT.chars &&
    (text.match(/\S+/g) ?? []).length <= 2 * HUNK_CONTEXT.words
  );
}

/** A change of the body with a little unchanged text around it, and the lines (from 1) where it starts. */
export interface BodyHunk {
  old_line: number;
  new_line: number;
  changes: TextChange[];
}

const newlines = (text: string) => text.split('\n').length - 1;

/**
 * Groups a diff's changes into hunks: each change with up to HUNK_CONTEXT of the unchanged text
 * before and after it on its line; two changes share a hunk when what lies between them is a few
 * words on one line.
 */
export function hunksOf(changes: TextChange[]): BodyHunk[] {
  const hunks: BodyHunk[] = [];
  let open: BodyHunk | null = null;
  let oldLine = 1;
  let newLine = 1;
  changes.forEach((change, i) => {
    const lines = newlines(change.value);
    if (change.op === 'equal') {
      if (open !== null && i < changes.length - 1 && bridges(change.value)) {
        open.changes.push(change);
      } else if (open !== null) {
        const context = leadingContext(change.value);
        if (context !== '') open.changes.push({ op: 'equal', value: context });
        open = null;
      }
      oldLine += lines;
      newLine += lines;
      return;
    }
    if (open === null) {
      const before = changes[i - 1];
      const context = before?.op === 'equal' ? trailingContext(before.value) : '';
      open = { old_line: oldLine, new_line: newLine, changes: context === '' ? [] : [{ op: 'equal', value: context }] };
      hunks.push(open);
    }
    open.changes.push(change);
    if (change.op === 'delete') oldLine += lines;
    else newLine += lines;
  });
  return hunks;
}

/** Hunks of the word diff; of the line diff where it gives up; one whole replacement where both do. */
function bodyHunks(oldBody: string, newBody: string) {
  const words = wordChanges(oldBody, newBody);
  if (words) return { hunks: hunksOf(words), granularity: 'words' as const };
  const lines = lineChanges(oldBody, newBody);
  if (lines) return { hunks: hunksOf(lines), granularity: 'lines' as const };
  return { hunks: hunksOf(wholeReplacement(oldBody, newBody)), granularity: 'whole' as const };
}

function unifiedDiff(oldBody: string, newBody: string, fromLabel: string, toLabel: string) {
  // The unified diff is the line diff again: it is only tried when that one would not give up.
  const patch = linesFit(oldBody, newBody)
    ? createPatch('body.md', oldBody, newBody, fromLabel, toLabel, { maxEditLength: DIFF_LIMITS.maxLineEdits })
    : undefined;
  return patch === undefined
    ? { unified: replacementPatch('body.md', oldBody, newBody, fromLabel, toLabel), truncated: true }
    : { unified: patch, truncated: false };
}

/** How a diff answers; `hunks` unless the request asks for another. */
export const DIFF_FORMATS = ['hunks', 'fields', 'lines', 'words', 'unified'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** One side of a diff: a revision's number and content. */
export interface DiffSide {
  number: number;
  content: ArticleContent;
}

/**
 * What changed from one snapshot to another, in one format: `fields` gives every changed field
 * with its old and new value, the body whole among them. The others give the other changed fields
 * so, and the body apart: as hunks (`hunks`), the whole line or word diff (`lines`, `words`), or a
 * unified diff (`unified`); the body is null when it did not change.
 */
export function diffRevisions(from: DiffSide | null, to: DiffSide, format: DiffFormat = 'hunks'): RevisionDiff {
  const changed = changedFields(from?.content ?? null, to.content);
  const valueOf = (field: ContentField) => ({ field, old: from ? from.content[field] : null, new: to.content[field] });
  const sides = { from: from?.number ?? null, to: to.number };
  if (format === 'fields') return { ...sides, format, fields: changed.map(valueOf) };
  const fields = changed.filter((field) => field !== 'body').map(valueOf);
  if (!changed.includes('body')) return { ...sides, format, fields, body: null };
  const oldBody = from?.content.body ?? '';
  const newBody = to.content.body;
  switch (format) {
    case 'hunks':
      return { ...sides, format, fields, body: bodyHunks(oldBody, newBody) };
    case 'lines': {
      const changes = lineChanges(oldBody, newBody);
      return {
        ...sides,
        format,
        fields,
        body: { changes: changes ?? wholeReplacement(oldBody, newBody), truncated: !changes },
      };
    }
    case 'words': {
      const changes = wordChanges(oldBody, newBody);
      return {
        ...sides,
        format,
        fields,
        body: { changes: changes ?? wholeReplacement(oldBody, newBody), truncated: !changes },
      };
    }
    case 'unified':
      return {
        ...sides,
        format,
        fields,
        body: unifiedDiff(oldBody, newBody, from ? `revision ${from.number}` : 'empty', `revision ${to.number}`),
      };
  }
}
