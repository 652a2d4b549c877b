import { FTS5_DIACRITICS } from './fts5-diacritics.js';
import { FTS5_EXTRA_WORD_CHARS, FTS5_FOLDS, FTS5_SEPARATORS } from './fts5-token-chars.js';

/** As in FTS5, letters of other scripts than Latin keep their diacritics (й, ά, آ). */
const DIACRITICS = new RegExp(FTS5_DIACRITICS, 'gu');
const ANY_MARK = /\p{M}/u;
const LATIN = /^\p{Script=Latin}+$/u;

/**
 * FTS5's word characters: letters, digits, private-use and unassigned code points, as Unicode 6.1
 * knew them, so also what was assigned since (emoji such as 🤔 join the word they touch in FTS5).
 */
const WORD_CHAR = `[[\\p{L}\\p{N}\\p{Co}\\p{Cn}${FTS5_EXTRA_WORD_CHARS}]--[${FTS5_SEPARATORS}]]`;
const WORDS = new RegExp(`${WORD_CHAR}+`, 'gv');
/** Runs of word characters and marks, as a text shows them: a run folds to one word or more. */
export const WORD_RUNS = new RegExp(`[\\p{M}${WORD_CHAR}]+`, 'gv');

/**
 * A character folded by rule: a lone diacritic FTS5 removes goes, a Latin letter loses those
 * diacritics, and the case is lowered one character at a time (Σ is σ even at the end of a word,
 * as in FTS5). FTS5_FOLDS lists the characters FTS5's own tables fold otherwise (ǡ, ς, µ, letters
 * given a lower case after Unicode 6.1).
 */
export function foldByRule(char: string): string {
  const decomposed = char.normalize('NFD');
  const bare = decomposed.replace(DIACRITICS, '');
  if (ANY_MARK.test(char)) return char.replace(DIACRITICS, '');
  // A letter without removable diacritics stays whole: a Hangul syllable is not split into jamo.
  const base = bare !== decomposed && !ANY_MARK.test(bare) && LATIN.test(bare) ? bare : char;
  return base.toLowerCase();
}

const folded = new Map<string, string>(FTS5_FOLDS);

function foldChar(char: string): string {
  let result = folded.get(char);
  if (result === undefined) {
    result = foldByRule(char);
    folded.set(char, result);
  }
  return result;
}

/**
 * Text folded the way FTS5's `unicode61 remove_diacritics 2` tokenizer folds it, for the
 * PostgreSQL index: runs of FTS5's word characters are words, everything else separates them,
 * Latin diacritics are removed and case is lowered. `œ`, `ß` and `æ` stay as they are, as in FTS5.
 * Folding in one place keeps both engines' hit sets the same: PostgreSQL's own parser keeps
 * `contact@example.org` and `3.5` as single tokens and drops `<script>` as a tag.
 */
export function foldWords(text: string): string[] {
  return text.replace(/[^\0-\x7F]|[A-Z]/gu, foldChar).match(WORDS) ?? [];
}

/** A lexeme in tsvector and tsquery syntax. Folded words hold only letters and digits, but quote anyway. */
export function lexeme(word: string): string {
  return `'${word.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
}

/** PostgreSQL refuses a lexeme of more bytes ("word is too long"), and with it the whole document. */
const MAX_LEXEME_BYTES = 2047;

/**
 * A word cut to what a lexeme holds, between characters. No hit changes: a query word is at most
 * 64 characters, so it never equals a word this long, and a prefix of it is kept.
 */
function withinLexemeLimit(word: string): string {
  if (Buffer.byteLength(word) <= MAX_LEXEME_BYTES) return word;
  let cut = '';
  for (const char of word) {
    if (Buffer.byteLength(cut + char) > MAX_LEXEME_BYTES) break;
    cut += char;
  }
  return cut;
}

/** The highest position a tsvector holds; later words share it, as they would through to_tsvector. */
const MAX_POSITION = 16_383;

export type Weight = 'A' | 'B' | 'C' | 'D';

/**
 * A tsvector literal of `columns`, each word at its position with its column's weight. A gap of one
 * position separates columns, so a phrase never runs from the end of one column into the next: in
 * FTS5, columns are separate.
 */
export function tsvectorLiteral(columns: readonly { text: string; weight: Weight }[]): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  for (const { text, weight } of columns) {
    for (const whole of foldWords(text)) {
      position = Math.min(position + 1, MAX_POSITION);
      const word = withinLexemeLimit(whole);
      let list = positions.get(word);
      if (!list) {
        list = [];
        positions.set(word, list);
      }
      // tsvector keeps at most 256 positions per lexeme.
      if (list.length < 256) list.push(`${position}${weight}`);
    }
    position = Math.min(position + 1, MAX_POSITION);
  }
  return [...positions].map(([word, list]) => `${lexeme(word)}:${list.join(',')}`).join(' ');
}
