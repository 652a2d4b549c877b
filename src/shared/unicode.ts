/**
 * Characters that change how text is shown without being seen: bidi embeddings, overrides,
 * isolates and marks, which reorder what follows them, and zero-width or blank characters (soft
 * hyphen, zero-width space and joiners, word joiner, BOM, Hangul fillers). In a name, slug or URL
 * they let two different values look the same, or one look like another. Prose keeps them: a ZWJ
 * joins emoji and a right-to-left mark places punctuation in Arabic or Hebrew text.
 */
export const SPOOFING_CHARACTERS =
  '\\u00AD\\u061C\\u115F\\u1160\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\u3164\\uFEFF\\uFFA0';

export const NO_SPOOFING_CHARACTERS = new RegExp(`^[^${SPOOFING_CHARACTERS}]*$`);

/** In unicode mode a paired surrogate is one code point, so only a lone one is of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const BAD_KEY = Symbol('ill-formed key');

/** Where ill-formed strings were found, as dot-separated paths; at most this many are reported. */
const MAX_REPORTED = 20;

/**
 * The paths of every string (and object key) in a parsed JSON value that is not well-formed
 * UTF-16: a lone surrogate (JSON "\ud800") cannot be stored as UTF-8, and came back as three U+FFFD.
 * Iterative, so a deeply nested body cannot overflow the stack here.
 */
export function illFormedPaths(value: unknown): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, '']];
  const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const [current, path] = stack.pop() as [unknown, string];
    if (current === BAD_KEY) {
      found.push(path);
    } else if (typeof current === 'string') {
      if (!isWellFormed(current)) found.push(path);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], join(path, i)]);
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        // A bad key is reported in its place, with U+FFFD standing for what cannot be written back.
        if (!isWellFormed(key)) stack.push([BAD_KEY, join(path, key.replace(/\p{Cs}/gu, '\uFFFD'))]);
        else stack.push([child, join(path, key)]);
      }
    }
  }
  return found.slice(0, MAX_REPORTED);
}
