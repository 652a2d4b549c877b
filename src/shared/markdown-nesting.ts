/**
 * How deeply a Markdown text nests, measured in one pass without parsing it. `marked` descends
 * once per level of blockquote, list item and emphasis: about 2,000 levels overflow its stack
 * (RangeError), and nested lists cost it time that grows faster than their depth (1,000 indented
 * levels took seconds). Bodies are refused past MAX_NESTING; real writing stays under five.
 *
 * The count is a close upper estimate, not a parser: it may count a thematic break (`* * *`) as
 * levels, never fewer levels than marked will descend.
 */
export const MAX_NESTING = 32;

/**
 * Emphasis and strikethrough marks (runs of `*`, `_`, `~`) in one paragraph. marked looks for the
 * closing mark of each one through the rest of the paragraph: a paragraph of 25,000 `a_` took 43 s
 * to render. Past this many a paragraph is refused; at this many, a whole body renders in about a
 * second, as long as text of that size takes anyway.
 */
export const MAX_EMPHASIS_MARKS = 500;

/**
 * Raw HTML elements open at once. sanitize-html spends time on each element in proportion to how
 * many are open: 40,000 unclosed `<em>` (160 KB) took a second, and the cost grows with the square.
 * Counted as open tags less closing tags, which overcounts elements HTML closes by itself (`<p>`,
 * `<li>`), hence a bound well above real writing.
 */
export const MAX_HTML_NESTING = 256;

/** Elements that never hold content, so never nest. */
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

export interface Nesting {
  /** Blockquotes and list items open at once, on the deepest line. */
  blocks: number;
  /** Emphasis and strikethrough runs open at once within one paragraph. */
  emphasis: number;
  /** Emphasis and strikethrough marks in the paragraph that holds most. */
  marks: number;
  /** Raw HTML elements open at once, at most. */
  html: number;
}

interface Emphasis {
  /** Runs open now, in the current paragraph. */
  open: number;
  /** Marks so far in the current paragraph. */
  marks: number;
}

const isSpace = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\n';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Where a list marker (`-`, `+`, `*`, `1.`, `1)`) at `i` ends with its following space, or -1. */
function listMarkerEnd(line: string, i: number): number {
  let j = i;
  if (line[j] === '-' || line[j] === '+' || line[j] === '*') j += 1;
  else {
    while (isDigit(line[j]) && j - i < 9) j += 1;
    if (j === i || (line[j] !== '.' && line[j] !== ')')) return -1;
    j += 1;
  }
  if (j < line.length && line[j] !== ' ' && line[j] !== '\t') return -1;
  while (line[j] === ' ' || line[j] === '\t') j += 1;
  return j;
}

const skipSpaces = (line: string, i: number) => {
  let j = i;
  while (line[j] === ' ' || line[j] === '\t') j += 1;
  return j;
};

/** The opening run of a code fence (``` or ~~~, three or more) at `i`, or ''. */
function fenceAt(line: string, i: number): string {
  const c = line[i];
  if (c !== '`' && c !== '~') return '';
  let j = i;
  while (line[j] === c) j += 1;
  return j - i >= 3 ? line.slice(i, j) : '';
}

/**
 * The line with each tab widened to the next multiple of four columns, as marked counts them: a list
 * indented by tabs nests one level a tab, though each tab is one character.
 */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i] as string;
    out += c === '\t' ? ' '.repeat(4 - (out.length % 4)) : c;
  }
  return out;
}

/** Emphasis runs (`*`, `_`, `~`) that open or close in `text`, counted on from what the paragraph holds so far. */
function emphasisAfter(text: string, paragraph: Emphasis, max: { value: number; marks: number }): void {
  let depth = paragraph.open;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    // `~` is GFM strikethrough, which marked nests as it nests emphasis.
    if (c !== '*' && c !== '_' && c !== '~') continue;
    const start = i;
    while (text[i + 1] === c) i += 1;
    paragraph.marks += 1;
    if (paragraph.marks > max.marks) max.marks = paragraph.marks;
    const opens = !isSpace(text[i + 1]);
    const closes = !isSpace(text[start - 1]);
    if (closes && depth > 0) depth -= 1;
    else if (opens) depth += 1;
    if (depth > max.value) max.value = depth;
  }
  paragraph.open = depth;
}

const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

/** Raw HTML tags in `text`: an open tag (not a void one) opens an element, a closing tag closes one. */
function htmlAfter(text: string, html: { open: number; max: number }): void {
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    if (text[i + 1] === '/') {
      if (isLetter(text[i + 2]) && html.open > 0) html.open -= 1;
      continue;
    }
    if (!isLetter(text[i + 1])) continue;
    let j = i + 1;
    while (j < text.length && /[A-Za-z0-9-]/.test(text[j] as string)) j += 1;
    if (VOID_ELEMENTS.has(text.slice(i + 1, j).toLowerCase())) continue;
    html.open += 1;
    if (html.open > html.max) html.max = html.open;
  }
}

/** One pass over the text: linear in its length whatever it holds. */
export function nestingDepth(markdown: string): Nesting {
  const items: number[] = []; // content column of each open list item
  const emphasis = { value: 0, marks: 0 };
  let blocks = 0;
  let paragraph: Emphasis = { open: 0, marks: 0 };
  const html = { open: 0, max: 0 };
  let fence = '';
  for (let from = 0; from <= markdown.length; ) {
    const newline = markdown.indexOf('\n', from);
    const end = newline === -1 ? markdown.length : newline;
    const line = expandTabs(markdown.slice(from, end));
    from = end + 1;
    let i = skipSpaces(line, 0);
    let quotes = 0;
    while (line[i] === '>') {
      quotes += 1;
      i = skipSpaces(line, i + 1);
    }
    if (fence) {
      // Inside a code fence nothing nests; the fence's own level was counted where it opened.
      if (line.startsWith(fence, i)) fence = '';
      continue;
    }
    if (i === line.length) {
      blocks = Math.max(blocks, quotes);
      paragraph = { open: 0, marks: 0 }; // a blank line ends the paragraph, and every emphasis in it
      continue;
    }
    while (items.length > 0 && (items.at(-1) as number) > i) items.pop();
    for (let next = listMarkerEnd(line, i); next !== -1; next = listMarkerEnd(line, i)) {
      items.push(next === line.length ? i + 2 : next);
      i = next;
      while (line[i] === '>') {
        quotes += 1;
        i = skipSpaces(line, i + 1);
      }
    }
    blocks = Math.max(blocks, quotes + items.length);
    fence = fenceAt(line, i);
    if (!fence) {
      emphasisAfter(line.slice(i), paragraph, emphasis);
      htmlAfter(line.slice(i), html);
    }
  }
  return { blocks, emphasis: emphasis.value, marks: emphasis.marks, html: html.max };
}

/** Why a text nests too deeply for the renderer, or null when it does not. */
export function nestingProblem(markdown: string): string | null {
  const { blocks, emphasis, marks, html } = nestingDepth(markdown);
  if (blocks > MAX_NESTING) {
    return `nests blockquotes and lists ${blocks} levels deep; at most ${MAX_NESTING} are allowed`;
  }
  if (emphasis > MAX_NESTING) {
    return `nests emphasis (*, _ or ~) ${emphasis} levels deep; at most ${MAX_NESTING} are allowed`;
  }
  if (html > MAX_HTML_NESTING) {
    return `nests HTML elements ${html} levels deep; at most ${MAX_HTML_NESTING} are allowed`;
  }
  if (marks > MAX_EMPHASIS_MARKS) {
    return `has ${marks} emphasis marks (*, _ or ~) in one paragraph; at most ${MAX_EMPHASIS_MARKS} are allowed (code belongs in a fence)`;
  }
  return null;
}
