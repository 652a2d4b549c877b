import { foldWords, WORD_RUNS } from './fold.js';
import { type ParsedSearch, SNIPPET_MARKERS } from './query.js';

/**
 * A snippet in the shape FTS5's `snippet(…, '…', 24)` gives, built from an index row's stored text
 * for engines without FTS5: the hits between SNIPPET_MARKERS, up to `maxTokens` words around them,
 * and '…' where the fragment cuts a column. Hits are found with foldWords, the folding the index
 * itself uses, so `souverainete` marks `souveraineté` and `example` marks the middle of an e-mail
 * address. (ts_headline would re-parse the text with PostgreSQL's own parser, which folds neither
 * accents nor such addresses the way the index does.) Which fragment is shown may differ from FTS5's.
 */
export function buildSnippet(columns: readonly string[], parsed: ParsedSearch, maxTokens = 24): string {
  const patterns = parsed.terms.map((term) => ({
    words: term.kind === 'phrase' ? term.words.flatMap(foldWords) : foldWords(term.word),
    prefix: term.kind === 'word' && term.prefix,
  }));
  let best: { column: Column; start: number; score: number } | undefined;
  for (const text of columns) {
    const column = hitsOf(text, patterns);
    let previous = -1;
    for (const hit of column.hits) {
      if (hit.first === previous) continue;
      previous = hit.first;
      const start = windowStart(column, hit.first, maxTokens);
      const score = windowScore(column, start, maxTokens);
      if (!best || score > best.score) best = { column, start, score };
    }
  }
  if (!best) {
    const text = columns.find((c) => foldWords(c).length > 0) ?? '';
    return fragment(hitsOf(text, []), 0, maxTokens);
  }
  return fragment(best.column, best.start, maxTokens);
}

interface Token {
  start: number;
  end: number;
}
interface Hit {
  /** Index of the first and last token of one match (a phrase spans several). */
  first: number;
  last: number;
  term: number;
}
interface Column {
  text: string;
  tokens: Token[];
  hits: Hit[];
}

/** Runs of word characters and marks are the tokens shown; each may fold to several words. */
function hitsOf(text: string, patterns: readonly { words: string[]; prefix: boolean }[]): Column {
  const tokens: Token[] = [];
  const words: { word: string; token: number }[] = [];
  for (const match of text.matchAll(WORD_RUNS)) {
    // Most words are ASCII letters and digits, which fold to themselves lower-cased.
    const folded = /^[A-Za-z0-9]+$/.test(match[0]) ? [match[0].toLowerCase()] : foldWords(match[0]);
    if (folded.length === 0) continue;
    const token = tokens.push({ start: match.index, end: match.index + match[0].length }) - 1;
    for (const word of folded) words.push({ word, token });
  }
  const hits: Hit[] = [];
  for (let i = 0; i < words.length; i++) {
    patterns.forEach((pattern, term) => {
      const n = pattern.words.length;
      if (n === 0 || i + n > words.length) return;
      const matches = pattern.words.every((w, k) => {
        const word = words[i + k]?.word ?? '';
        return pattern.prefix && k === n - 1 ? word.startsWith(w) : word === w;
      });
      if (matches) hits.push({ first: words[i]?.token ?? 0, last: words[i + n - 1]?.token ?? 0, term });
    });
  }
  return { text, tokens, hits };
}

/** Hits inside tokens [start, start + maxTokens); `hits` are sorted by their first token. */
function hitsIn(hits: readonly Hit[], start: number, maxTokens: number): Hit[] {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((hits[mid]?.first ?? 0) < start) lo = mid + 1;
    else hi = mid;
  }
  const inWindow: Hit[] = [];
  for (let i = lo; i < hits.length; i++) {
    const hit = hits[i];
    if (!hit || hit.first >= start + maxTokens) break;
    if (hit.last < start + maxTokens) inWindow.push(hit);
  }
  return inWindow;
}

/** The window starts at a hit and is moved back to centre the hits it holds, as FTS5 does. */
function windowStart(column: Column, first: number, maxTokens: number): number {
  const last = Math.max(first, ...hitsIn(column.hits, first, maxTokens).map((h) => h.last));
  const start = first - Math.floor((maxTokens - (last - first + 1)) / 2);
  return Math.max(0, Math.min(start, column.tokens.length - maxTokens));
}

/** Distinct terms count far more than repeats, so a window showing every term wins. */
function windowScore(column: Column, start: number, maxTokens: number): number {
  const inWindow = hitsIn(column.hits, start, maxTokens);
  return new Set(inWindow.map((h) => h.term)).size * 1000 + inWindow.length;
}

function fragment(column: Column, start: number, maxTokens: number): string {
  const { text, tokens } = column;
  if (tokens.length === 0) return '';
  const end = Math.min(start + maxTokens, tokens.length);
  const from = start === 0 ? 0 : (tokens[start]?.start ?? 0);
  const to = end === tokens.length ? text.length : (tokens[end - 1]?.end ?? text.length);
  const spans = mergedSpans(hitsIn(column.hits, start, maxTokens)).map(([a, b]) => ({
    open: tokens[a]?.start ?? 0,
    close: tokens[b]?.end ?? 0,
  }));
  const [markStart, markEnd] = SNIPPET_MARKERS;
  let out = start === 0 ? '' : '…';
  let at = from;
  for (const { open, close } of spans) {
    out += `${text.slice(at, open)}${markStart}${text.slice(open, close)}${markEnd}`;
    at = close;
  }
  out += text.slice(at, to);
  return end === tokens.length ? out : `${out}…`;
}

/** Token ranges of the hits, overlapping ones merged, in order. */
function mergedSpans(hits: readonly Hit[]): [number, number][] {
  const sorted = [...hits].sort((a, b) => a.first - b.first || a.last - b.last);
  const spans: [number, number][] = [];
  for (const { first, last } of sorted) {
    const previous = spans.at(-1);
    if (previous && first <= previous[1]) previous[1] = Math.max(previous[1], last);
    else spans.push([first, last]);
  }
  return spans;
}
