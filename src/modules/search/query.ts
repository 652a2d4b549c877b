import { BadRequestError, type FieldError } from '../../errors.js';
import { foldWords, lexeme } from './fold.js';

/**
 * Bounds on one search, so that no query can make FTS5 walk most of the index. Each term merges
 * the posting lists of the words it matches; a prefix matches many words, and a one-letter prefix
 * is not served by the prefix indexes of articles_fts (prefix='2 3' in migrations/0002), so it
 * would read every word of that letter.
 */
export const SEARCH_LIMITS = {
  /** Words in one query, each word of a "quoted phrase" included: FTS5 reads the postings of every one. */
  maxTerms: 12,
  /** Of them, `word*` prefix terms. */
  maxPrefixTerms: 4,
  /** Letters or digits before a `*`: the shortest prefix the FTS5 prefix indexes serve. */
  minPrefixLength: 2,
  /** Results per page with `q` (ranking and snippets cost per hit, unlike a plain list). */
  maxLimit: 25,
} as const;

const MAX_TERM_LENGTH = 64;

/** Cut by code points: slicing UTF-16 units can split an astral letter (𝕏) into a lone surrogate. */
const cut = (word: string) => (word.length <= MAX_TERM_LENGTH ? word : [...word].slice(0, MAX_TERM_LENGTH).join(''));

const codePoints = (word: string) => [...word].length;

const refuse = (detail: string, message: string, path = 'q'): never => {
  const error: FieldError = { in: 'query', path, message };
  throw new BadRequestError(detail, [error]);
};

/** One term of a search: every term must match (AND). Plain data, so it crosses to the work thread. */
export type SearchTerm = { kind: 'word'; word: string; prefix: boolean } | { kind: 'phrase'; words: string[] };

/** What a reader typed, parsed once; each engine compiles it to its own query syntax. */
export interface ParsedSearch {
  terms: SearchTerm[];
}

/**
 * Parses what a reader typed: words and "quoted phrases", a trailing `*` on a word for a prefix
 * search; everything else (operators, parentheses, column filters, stray quotes) is treated as a
 * separator, so FTS5 keywords such as AND or NEAR are searched as words. Terms are combined with AND.
 *
 * A query beyond SEARCH_LIMITS is refused with a 400 naming what to change, rather than cut
 * silently: a shortened query would answer a different question. A prefix shorter than the
 * minimum is refused too, not searched as a whole word, so that `e*` never quietly means `e`.
 */
export function parseSearch(input: string): ParsedSearch {
  const terms: SearchTerm[] = [];
  let prefixes = 0;
  let words = 0;
  const pattern = /"([^"]*)"|([\p{L}\p{N}]+)(\*)?/gu;
  for (const match of input.normalize('NFC').matchAll(pattern)) {
    const [, phrase, word, star] = match;
    if (phrase !== undefined) {
      const inPhrase = phrase.match(/[\p{L}\p{N}]+/gu);
      if (inPhrase) {
        terms.push({ kind: 'phrase', words: inPhrase.map(cut) });
        words += inPhrase.length;
      }
    } else if (word) {
      words += 1;
      if (star) {
        prefixes += 1;
        if (codePoints(word) < SEARCH_LIMITS.minPrefixLength) {
          refuse(
            `The prefix "${word}*" is too short to search`,
            `"${word}*": a prefix needs at least ${SEARCH_LIMITS.minPrefixLength} letters or digits before the *`,
          );
        }
      }
      terms.push({ kind: 'word', word: cut(word), prefix: star !== undefined });
    }
    if (words > SEARCH_LIMITS.maxTerms) {
      refuse(
        'The search query has too many terms',
        `must hold at most ${SEARCH_LIMITS.maxTerms} words, counting each word of a quoted phrase`,
      );
    }
  }
  if (prefixes > SEARCH_LIMITS.maxPrefixTerms) {
    refuse(
      'The search query has too many prefix terms',
      `must hold at most ${SEARCH_LIMITS.maxPrefixTerms} prefix terms (word*)`,
    );
  }
  if (terms.length === 0) {
    refuse('The search query has no word to search for', 'must contain at least one letter or digit');
  }
  return { terms };
}

/** FTS5 syntax: each term a quoted string, so no input can form an operator; FTS5 folds the words itself. */
export function toFtsQuery(parsed: ParsedSearch): string {
  return parsed.terms
    .map((term) => (term.kind === 'phrase' ? `"${term.words.join(' ')}"` : `"${term.word}"${term.prefix ? '*' : ''}`))
    .join(' ');
}

/**
 * A tsquery literal (cast with `::tsquery`, so no dictionary touches it) over the words as the
 * index folds them (foldWords): `'a' & 'b':* & ('c' <-> 'd')`. A word that folds to several words
 * becomes a phrase of them, as FTS5 tokenizes a quoted string; a prefix applies to its last word.
 */
export function toTsQuery(parsed: ParsedSearch): string {
  return parsed.terms
    .flatMap((term) => {
      const words = term.kind === 'phrase' ? term.words.flatMap(foldWords) : foldWords(term.word);
      const prefix = term.kind === 'word' && term.prefix;
      const lexemes = words.map((w, i) => `${lexeme(w)}${prefix && i === words.length - 1 ? ':*' : ''}`);
      if (lexemes.length <= 1) return lexemes;
      return [`(${lexemes.join(' <-> ')})`];
    })
    .join(' & ');
}

/** A page with `q` is smaller than a plain list's; an explicit larger limit is refused, like any limit out of range. */
export function checkSearchLimit(limit: number): void {
  if (limit > SEARCH_LIMITS.maxLimit) {
    refuse(
      `A search page holds at most ${SEARCH_LIMITS.maxLimit} results`,
      `must be a whole number from 1 to ${SEARCH_LIMITS.maxLimit} with q`,
      'limit',
    );
  }
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
