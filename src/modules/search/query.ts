import { BadRequestError } from '../../errors.js';

/** More terms than this add nothing a reader meant and cost a full-index walk each. */
export const MAX_SEARCH_TERMS = 16;
const MAX_TERM_LENGTH = 64;

/** Cut by code points: slicing UTF-16 units can split an astral letter (𝕏) into a lone surrogate. */
const cut = (word: string) => (word.length <= MAX_TERM_LENGTH ? word : [...word].slice(0, MAX_TERM_LENGTH).join(''));

/**
 * Turns what a reader typed into safe FTS5 syntax: words and "quoted phrases", a trailing `*` on a
 * word for a prefix search; everything else (operators, parentheses, column filters, stray quotes)
 * is treated as a separator. Each term is emitted as a quoted string, so FTS5 keywords such as AND
 * or NEAR are searched as words. Terms are combined with AND.
 */
export function toFtsQuery(input: string): string {
  const terms: string[] = [];
  const pattern = /"([^"]*)"|([\p{L}\p{N}]+)(\*)?/gu;
  for (const match of input.normalize('NFC').matchAll(pattern)) {
    const [, phrase, word, star] = match;
    if (phrase !== undefined) {
      const words = phrase.match(/[\p{L}\p{N}]+/gu);
      if (words) terms.push(`"${words.map(cut).join(' ')}"`);
    } else if (word) {
      terms.push(`"${cut(word)}"${star ? '*' : ''}`);
    }
    if (terms.length === MAX_SEARCH_TERMS) break;
  }
  if (terms.length === 0) {
    throw new BadRequestError('The search query has no word to search for', [
      { in: 'query', path: 'q', message: 'must contain at least one letter or digit' },
    ]);
  }
  return terms.join(' ');
}

const MARK_START = '\uE000';
const MARK_END = '\uE001';
export const SNIPPET_MARKERS = [MARK_START, MARK_END] as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * FTS5 marks the hits with private-use characters; the text around them is escaped before they
 * become <mark> tags, so a snippet is safe HTML even when an article's Markdown holds markup.
 */
export function snippetToHtml(raw: string): string {
  return raw
    .replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
    .replaceAll(MARK_START, '<mark>')
    .replaceAll(MARK_END, '</mark>');
}
