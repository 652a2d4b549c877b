import { describe, expect, it } from 'vitest';
import { parseSearch } from '../../../src/modules/search/query.js';
import { buildSnippet } from '../../../src/modules/search/snippet.js';

/**
 * The snippet PostgreSQL search shows, hits between [ and ] for readability. The window is given
 * in tokens; a few tests use a small one so the cuts are easy to read.
 */
const snippet = (columns: string[], q: string, maxTokens?: number) =>
  buildSnippet(columns, parseSearch(q), maxTokens).replaceAll('\uE000', '[').replaceAll('\uE001', ']');

/** `w0 w1 … w{n-1}` with `word` in place of the words at `at`. */
const words = (n: number, at: Record<number, string>) =>
  Array.from({ length: n }, (_, i) => at[i] ?? `w${i}`).join(' ');

describe('buildSnippet: which words are hits', () => {
  it('folds every token as the index does, whatever its first or last letter', () => {
    expect(snippet(['Écrire vite'], 'ecrire')).toBe('[Écrire] vite');
    expect(snippet(['NARVIK'], 'narvik')).toBe('[NARVIK]');
    // Decomposed accents fold as composed ones do.
    expect(snippet(['la ne\u0301gociation'], 'negociation')).toBe('la [ne\u0301gociation]');
  });

  it('finds a hit on the last word of a column', () => {
    expect(snippet(['du texte en fin cible'], 'cible')).toBe('du texte en fin [cible]');
    expect(snippet(['un data center'], '"data center"')).toBe('un [data center]');
  });

  it('marks a whole phrase once, with a word of the query inside it', () => {
    expect(snippet(['a data center'], '"data center" center')).toBe('a [data center]');
    expect(snippet(['a data center'], 'data "data center"')).toBe('a [data center]');
  });

  it('marks adjacent hits of different terms separately', () => {
    expect(snippet(['a data center'], 'data center')).toBe('a [data] [center]');
  });

  it('matches a phrase only on consecutive words', () => {
    expect(snippet(['data and center'], '"data center"')).toBe('data and center');
  });

  it('applies a prefix to the last word of a term that folds to several words only', () => {
    // U+19B0 is a letter to the query parser but a separator to FTS5: `ab\u19B0cd` folds to ab, cd.
    expect(snippet(['ab·cdef'], 'ab\u19B0cd*')).toBe('[ab·cdef]');
    expect(snippet(['abc·cdef'], 'ab\u19B0cd*')).toBe('abc·cdef');
    expect(snippet(['ab·cdef'], 'ab\u19B0cd')).toBe('ab·cdef');
  });

  it('marks a token that folds to several words when the term does too', () => {
    expect(snippet(['x नमस्ते y'], '"नमस्ते"')).toBe('x [नमस्ते] y');
  });

  it('ignores a term that folds to no word, instead of marking every word', () => {
    expect(snippet(['a b cible'], 'cible \u19B0')).toBe('a b [cible]');
  });
});

describe('buildSnippet: the window', () => {
  it('centres a hit in a window of maxTokens words, with … where it cuts the column', () => {
    expect(snippet([words(20, { 10: 'cible' })], 'cible', 5)).toBe('…w8 w9 [cible] w11 w12…');
  });

  it('centres the hits the window holds', () => {
    expect(snippet([words(20, { 10: 'cible', 12: 'cible' })], 'cible', 5)).toBe('…w9 [cible] w11 [cible] w13…');
    expect(snippet([words(20, { 10: 'cible', 11: 'cible' })], 'cible', 4)).toBe('…w9 [cible] [cible] w12…');
  });

  it('keeps the window inside the column at either end', () => {
    expect(snippet([words(20, { 1: 'cible' })], 'cible', 5)).toBe('w0 [cible] w2 w3 w4…');
    expect(snippet([words(20, { 18: 'cible' })], 'cible', 5)).toBe('…w15 w16 w17 [cible] w19');
  });

  it('keeps the text before the first word and after the last when the window reaches them', () => {
    expect(snippet(['« cible ! »'], 'cible', 5)).toBe('« [cible] ! »');
    expect(snippet(['« a b c d e f cible g h i j k »'], 'cible', 3)).toBe('…f [cible] g…');
  });

  it('does not count a run of lone diacritics as a word', () => {
    expect(snippet(['cible \u0301 \u0301 \u0301 fin'], 'cible', 2)).toBe('[cible] \u0301 \u0301 \u0301 fin');
  });

  it('never shows a word past the window, not even the end of a phrase it cuts through', () => {
    // FTS5 would mark `data` here; what matters is that `center` stays out.
    expect(snippet(['x y z data center'], 'x "data center"', 4)).toMatch(/^\[x\] y z \[?data\]?…$/);
  });

  it('shows 24 words by default', () => {
    const result = snippet([words(60, { 30: 'cible' })], 'cible');
    expect(result).toBe(`…${words(60, { 30: '[cible]' }).split(' ').slice(19, 43).join(' ')}…`);
  });
});

describe('buildSnippet: which column and window win', () => {
  it('prefers a window showing more distinct terms to one repeating a term', () => {
    expect(snippet(['alpha alpha alpha', '', 'alpha beta', ''], 'alpha beta')).toBe('[alpha] [beta]');
  });

  it('prefers more hits when they show as many distinct terms', () => {
    expect(snippet(['alpha', '', 'alpha x alpha', ''], 'alpha')).toBe('[alpha] x [alpha]');
  });

  it('keeps the first of equally good windows', () => {
    expect(snippet(['un alpha', '', 'deux alpha', ''], 'alpha')).toBe('un [alpha]');
    expect(snippet([`alpha ${words(10, {})} alpha`], 'alpha', 3)).toBe('[alpha] w0 w1…');
  });

  it('shows the start of the first column holding a word when nothing matches', () => {
    expect(snippet(['', ' — ', 'Corps du texte', 'Autre'], 'absent')).toBe('Corps du texte');
    expect(snippet(['', words(30, {})], 'absent', 3)).toBe('w0 w1 w2…');
    expect(snippet(['', ' — '], 'absent')).toBe('');
  });
});
