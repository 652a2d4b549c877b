import { diffArrays } from 'diff';

/**
 * Three-way merge of a Markdown text by paragraph: the blocks between blank lines.
 *
 * Paragraphs rather than lines, because prose is edited a paragraph at a time: a sentence rewritten
 * in a hard-wrapped paragraph reflows every line after it, and two such edits to one paragraph are
 * one passage changed twice, which only its authors can reconcile. Between paragraphs the blank
 * lines are tokens of their own, so changes to two neighbouring paragraphs touch no common token
 * and merge: a line merge would call them a conflict as soon as they touch.
 *
 * A passage is a conflict only where both sides changed the same paragraphs, or inserted different
 * paragraphs at the same place; the same change made on both sides merges.
 */

/** A passage of the base text: paragraphs and lines, each counted from 0, `end` excluded (as `slice` takes them). */
export interface Passage {
  /** Paragraphs of the base; `start === end` for paragraphs inserted before paragraph `start`. */
  paragraphs: { start: number; end: number };
  /** Lines of the base; `start === end` for an insertion before line `start`. */
  lines: { start: number; end: number };
}

export interface PassageConflict {
  passage: Passage;
  /** The passage as the base had it, and as each side wrote it, without the blank lines around it. */
  base: string;
  theirs: string;
  yours: string;
}

export type TextMerge = { kind: 'merged'; text: string } | { kind: 'conflict'; conflicts: PassageConflict[] };

/**
 * Counts, not a clock: past these a text is not merged by passage, and the whole of it is one
 * conflicting passage. Myers' diff costs about (tokens × changed tokens).
 */
export const MERGE_LIMITS = {
  /** Paragraphs and blank-line runs of the base and the longer side together. */
  maxTokens: 20_000,
  /** Paragraphs and blank-line runs changed on one side. */
  maxEdits: 500,
} as const;

/** A blank-line run between paragraphs, or the line break and spaces that end the text. */
const SEPARATOR = /(\r?\n(?:[ \t]*\r?\n)+|\r?\n[ \t]*$)/;

/** Paragraphs at even indices, the separators between them at odd ones; joined, they give the text back. */
export function tokenize(text: string): string[] {
  return text.split(SEPARATOR);
}

interface Hunk {
  side: 'theirs' | 'yours';
  /** Base tokens [start, end) replaced by side tokens [sideStart, sideEnd). */
  start: number;
  end: number;
  sideStart: number;
  sideEnd: number;
}

function hunksOf(base: string[], other: string[], side: Hunk['side']): Hunk[] | undefined {
  const changes = diffArrays(base, other, { maxEditLength: MERGE_LIMITS.maxEdits });
  if (changes === undefined) return undefined;
  const hunks: Hunk[] = [];
  let b = 0;
  let o = 0;
  let open: Hunk | null = null;
  for (const change of changes) {
    const n = change.value.length;
    if (!change.added && !change.removed) {
      open = null;
      b += n;
      o += n;
      continue;
    }
    if (open === null) {
      open = { side, start: b, end: b, sideStart: o, sideEnd: o };
      hunks.push(open);
    }
    if (change.removed) {
      b += n;
      open.end = b;
    } else {
      o += n;
      open.sideEnd = o;
    }
  }
  return hunks;
}

/** What one side wrote in place of base tokens [start, end), given its hunks (one or more) inside that range. */
function sideTokens(hunks: Hunk[], start: number, end: number, side: string[]): string[] {
  const first = hunks[0] as Hunk;
  const last = hunks[hunks.length - 1] as Hunk;
  return side.slice(first.sideStart - (first.start - start), last.sideEnd + (end - last.end));
}

const newlines = (text: string) => text.split('\n').length - 1;
const LEADING_BLANK = /^(?:[ \t]*\r?\n)+/;
const TRAILING_BLANK = /(?:\r?\n[ \t]*)+$/;
const trimBlank = (text: string) => text.replace(LEADING_BLANK, '').replace(TRAILING_BLANK, '');

/** Non-empty paragraphs among tokens [0, end). */
function paragraphsBefore(tokens: string[], end: number): number {
  let count = 0;
  for (let i = 0; i < end; i += 2) if (tokens[i] !== '') count += 1;
  return count;
}

function passageOf(base: string[], start: number, end: number): Passage {
  const text = base.slice(start, end).join('');
  const trimmed = trimBlank(text);
  // An insertion between a paragraph and the blank lines after it is placed before the next paragraph.
  const from = start === end && start % 2 === 1 ? start + 1 : start;
  const before = base.slice(0, from).join('') + (LEADING_BLANK.exec(text)?.[0] ?? '');
  // An insertion after a last line that has no line break begins the line after it (a passage
  // that is not an insertion always starts a line).
  const first = newlines(before) + (before !== '' && !before.endsWith('\n') ? 1 : 0);
  return {
    paragraphs: { start: paragraphsBefore(base, start), end: paragraphsBefore(base, end) },
    lines: { start: first, end: trimmed === '' ? first : first + newlines(trimmed) + 1 },
  };
}

function wholeConflict(base: string, theirs: string, yours: string): TextMerge {
  const tokens = tokenize(base);
  return {
    kind: 'conflict',
    conflicts: [
      {
        passage: passageOf(tokens, 0, tokens.length),
        base: trimBlank(base),
        theirs: trimBlank(theirs),
        yours: trimBlank(yours),
      },
    ],
  };
}

/** The paragraphs a hunk writes. */
function writtenParagraphs(hunk: Hunk, side: string[]): string[] {
  const written: string[] = [];
  for (let k = hunk.sideStart; k < hunk.sideEnd; k += 1)
    if (k % 2 === 0 && side[k] !== '') written.push(side[k] as string);
  return written;
}

/**
 * Whether a group of hunks from both sides can be applied one after the other (sorted by start,
 * insertions first): no two share a base token or insert at the same place, and neither side
 * writes a paragraph the other side also writes there. That paragraph would then be one change made
 * on both sides, which the two diffs aligned differently, and applying both would hold it twice.
 */
function followsInOrder(group: Hunk[], theirs: string[], yours: string[]): boolean {
  for (let k = 1; k < group.length; k += 1) {
    const previous = group[k - 1] as Hunk;
    const hunk = group[k] as Hunk;
    if (hunk.start < previous.end || hunk.end === previous.start) return false;
  }
  const theirWritten = new Set(group.filter((h) => h.side === 'theirs').flatMap((h) => writtenParagraphs(h, theirs)));
  return !group.some((h) => h.side === 'yours' && writtenParagraphs(h, yours).some((p) => theirWritten.has(p)));
}

/** Merges the changes `theirs` and `yours` each made to `base`. */
export function mergeText(base: string, theirs: string, yours: string): TextMerge {
  const b = tokenize(base);
  const t = tokenize(theirs);
  const y = tokenize(yours);
  if (b.length + Math.max(t.length, y.length) > MERGE_LIMITS.maxTokens) return wholeConflict(base, theirs, yours);
  const theirHunks = hunksOf(b, t, 'theirs');
  const yourHunks = hunksOf(b, y, 'yours');
  if (theirHunks === undefined || yourHunks === undefined) return wholeConflict(base, theirs, yours);

  // By start, insertions before the changes that start where they are inserted.
  const hunks = [...theirHunks, ...yourHunks].sort((p, q) => p.start - q.start || p.end - q.end);
  const merged: string[] = [];
  const conflicts: PassageConflict[] = [];
  let done = 0;
  let i = 0;
  while (i < hunks.length) {
    const first = hunks[i] as Hunk;
    const group = [first];
    const start = first.start;
    let end = first.end;
    let insertionAtEnd = start === end;
    for (i += 1; i < hunks.length; i += 1) {
      const next = hunks[i] as Hunk;
      const insertion = next.start === next.end;
      // Overlapping ranges share a base token. An insertion also joins the hunks it touches: the two
      // diffs may align one insertion made on both sides differently, as an insertion on one side and
      // a change that starts or ends there on the other, and only the group shows it.
      // (Sorted by start, a hunk that starts at `end` can only touch the group, and ends there only if it is an insertion.)
      const joins = next.start < end || (next.start === end && (insertionAtEnd || insertion));
      if (!joins) break;
      group.push(next);
      if (next.end > end) {
        end = next.end;
        insertionAtEnd = false;
      } else if (insertion) {
        insertionAtEnd = true;
      }
    }
    merged.push(...b.slice(done, start));
    done = end;
    const theirGroup = group.filter((h) => h.side === 'theirs');
    const yourGroup = group.filter((h) => h.side === 'yours');
    if (yourGroup.length === 0) {
      merged.push(...sideTokens(theirGroup, start, end, t));
      continue;
    }
    if (theirGroup.length === 0) {
      merged.push(...sideTokens(yourGroup, start, end, y));
      continue;
    }
    const theirPart = sideTokens(theirGroup, start, end, t).join('');
    const yourPart = sideTokens(yourGroup, start, end, y).join('');
    if (theirPart === yourPart) {
      merged.push(theirPart);
    } else if (followsInOrder(group, t, y)) {
      for (const hunk of group) merged.push(...(hunk.side === 'theirs' ? t : y).slice(hunk.sideStart, hunk.sideEnd));
    } else {
      conflicts.push({
        passage: passageOf(b, start, end),
        base: trimBlank(b.slice(start, end).join('')),
        theirs: trimBlank(theirPart),
        yours: trimBlank(yourPart),
      });
    }
  }
  if (conflicts.length > 0) return { kind: 'conflict', conflicts };
  merged.push(...b.slice(done));
  const text = merged.join('');
  const repeated = repeatedPassages(b, t, y, theirHunks, yourHunks, text);
  return repeated.length > 0 ? { kind: 'conflict', conflicts: repeated } : { kind: 'merged', text };
}

/** Base tokens [start, end), widened until no hunk straddles either edge. */
function widened(start: number, end: number, hunks: Hunk[]): { start: number; end: number } {
  let span = { start, end };
  for (let wider = true; wider; ) {
    wider = false;
    for (const h of hunks) {
      if (h.start < span.end && h.end > span.start && (h.start < span.start || h.end > span.end)) {
        span = { start: Math.min(span.start, h.start), end: Math.max(span.end, h.end) };
        wider = true;
      }
    }
  }
  return span;
}

/** How many times each paragraph occurs in a text. */
function paragraphCounts(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let k = 0; k < tokens.length; k += 2)
    counts.set(tokens[k] as string, (counts.get(tokens[k] as string) ?? 0) + 1);
  return counts;
}

/**
 * The passages where both sides wrote one paragraph that the merge then holds more often than either
 * side does. The two diffs can align one insertion made on both sides at places far enough apart to
 * merge as two changes; the paragraph would then be saved twice. From the first change writing it to
 * the last, the passage is a conflict: only the authors know whether they meant it once.
 */
function repeatedPassages(
  b: string[],
  t: string[],
  y: string[],
  theirHunks: Hunk[],
  yourHunks: Hunk[],
  text: string,
): PassageConflict[] {
  const theirWritten = new Set(theirHunks.flatMap((h) => writtenParagraphs(h, t)));
  const shared = new Set(yourHunks.flatMap((h) => writtenParagraphs(h, y)).filter((p) => theirWritten.has(p)));
  if (shared.size === 0) return [];
  const [mergedCounts, theirCounts, yourCounts] = [tokenize(text), t, y].map(paragraphCounts) as [
    Map<string, number>,
    Map<string, number>,
    Map<string, number>,
  ];
  const hunks = [...theirHunks, ...yourHunks];
  const spans: { start: number; end: number }[] = [];
  for (const paragraph of shared) {
    const most = Math.max(theirCounts.get(paragraph) ?? 0, yourCounts.get(paragraph) ?? 0);
    if ((mergedCounts.get(paragraph) ?? 0) <= most) continue;
    const writing = hunks.filter((h) => writtenParagraphs(h, h.side === 'theirs' ? t : y).includes(paragraph));
    spans.push(widened(Math.min(...writing.map((h) => h.start)), Math.max(...writing.map((h) => h.end)), hunks));
  }
  spans.sort((p, q) => p.start - q.start);
  const joined: { start: number; end: number }[] = [];
  for (const span of spans) {
    const last = joined[joined.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else joined.push(span);
  }
  const sidePart = (sideHunks: Hunk[], side: string[], { start, end }: { start: number; end: number }) => {
    const inside = sideHunks.filter((h) => h.start >= start && h.end <= end);
    return (inside.length === 0 ? b.slice(start, end) : sideTokens(inside, start, end, side)).join('');
  };
  return joined.map((span) => ({
    passage: passageOf(b, span.start, span.end),
    base: trimBlank(b.slice(span.start, span.end).join('')),
    theirs: trimBlank(sidePart(theirHunks, t, span)),
    yours: trimBlank(sidePart(yourHunks, y, span)),
  }));
}

/** The paragraphs of a text, as passages count them. */
export function paragraphCount(text: string): number {
  const tokens = tokenize(text);
  return paragraphsBefore(tokens, tokens.length);
}

/** "paragraph 3", "paragraphs 3-4", "before paragraph 3", "the end": counted from 1, for people. */
export function describePassage({ paragraphs: { start, end } }: Passage, count: number): string {
  if (start === end) return start >= count ? 'the end' : `before paragraph ${start + 1}`;
  return end - start === 1 ? `paragraph ${start + 1}` : `paragraphs ${start + 1}-${end}`;
}
