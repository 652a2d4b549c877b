/**
 * The combining marks FTS5's `remove_diacritics 2` removes, as a regular expression class: the
 * Latin diacritics. Any other combining mark separates words in FTS5.
 */
export const FTS5_DIACRITICS =
  '[\\u0300-\\u0304\\u0306-\\u030C\\u030F\\u0311\\u031B\\u0323-\\u0328\\u032D\\u032E\\u0330\\u0331]';
