/**
 * Input whose size drives the work of a parser rather than its length alone: Markdown nested far
 * past what a renderer can follow, and searches made of many short prefixes.
 */
import fc from 'fast-check';

/** Levels on either side of the body limit of 32, and far past it (2,000 `>` overflowed marked). */
const DEPTHS = [31, 32, 33, 64, 500, 2000, 5000] as const;

/** A list nested by indentation; its size grows with the square of the depth, so it stays shallower. */
const indentedList = (depth: number, indent: number, marker: string) =>
  Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(indent * i)}${marker} item`).join('\n');

/** Markdown nested by blockquotes, lists (on one line or by indentation), emphasis, or all of them. */
export const nestingStorm: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...DEPTHS),
    fc.constantFrom('quotes', 'spaced quotes', 'bullets', 'indented', 'ordered', 'mixed', 'emphasis', 'fenced'),
    fc.string({ maxLength: 12 }),
  )
  .map(([depth, kind, tail]) => {
    switch (kind) {
      case 'quotes':
        return `${'>'.repeat(depth)} ${tail}`;
      case 'spaced quotes':
        return `${'> '.repeat(depth)}${tail}`;
      case 'bullets':
        return `${'- '.repeat(depth)}${tail}`;
      case 'indented':
        return indentedList(depth, 2, '-');
      case 'ordered':
        return indentedList(depth, 3, '1.');
      case 'mixed':
        return `${'> * '.repeat(depth)}${tail}`;
      case 'emphasis':
        return `${'_a '.repeat(depth)}${tail}${' a_'.repeat(depth)}`;
      default:
        // Inside a fence nothing nests: this one must be accepted whatever its depth.
        return `\`\`\`\n${'>'.repeat(depth)}\n\`\`\`\n${tail}`;
    }
  });

/** A search of many one- or two-letter prefixes (`e* s* d* …`) and a random word that defeats caches. */
export const prefixStorm: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-zé]{1,2}$/), { minLength: 1, maxLength: 40 }),
    fc.stringMatching(/^[a-z]{4,10}$/),
  )
  .map(([prefixes, word]) => `${prefixes.map((p) => `${p}*`).join(' ')} ${word}`);
