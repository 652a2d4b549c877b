import { UUID_PATTERN } from './ids.js';

/** Letters that Unicode decomposition leaves whole but readers expect spelled out in a URL. */
const SPELLED_OUT: Record<string, string> = {
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** What slugify makes from a title: long titles give readable URLs only when cut short. */
export const SLUG_MAX_LENGTH = 120;
/** The longest slug the API accepts or stores, collision suffix included. */
export const SLUG_LIMIT = 200;
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Lower-case, diacritics removed (è -> e), every run of other characters one `-`, trimmed.
 * Long titles are cut at a word boundary so URLs stay readable.
 */
export function slugify(text: string): string {
  const base = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[æœßøłđðþı]/g, (c) => SPELLED_OUT[c] ?? c)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (base.length <= SLUG_MAX_LENGTH) return base;
  const cut = base.slice(0, SLUG_MAX_LENGTH + 1);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 0 ? cut.slice(0, lastDash) : cut.slice(0, SLUG_MAX_LENGTH)).replace(/-+$/, '');
}

/**
 * `base`, `base-2`, `base-3`... The base is shortened to make room for the suffix, so a slug of the
 * longest accepted length still gets one that the API will accept back and serve. A base with the
 * shape of an id (a title that is one) is never a candidate itself: URLs name articles by id first.
 */
export function* slugCandidates(base: string): Generator<string, never> {
  if (!UUID_PATTERN.test(base)) yield base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    yield `${base.slice(0, SLUG_LIMIT - suffix.length).replace(/-+$/, '')}${suffix}`;
  }
}

/** The first of slugCandidates(base) that `isTaken` refuses. */
export function uniqueSlug(base: string, isTaken: (slug: string) => boolean): string {
  for (const candidate of slugCandidates(base)) {
    if (!isTaken(candidate)) return candidate;
  }
  throw new Error('slug candidates never end');
}
