/** A small seeded PRNG (mulberry32): the same seed gives the same database, run after run. */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An independent stream per (seed, stream, index): article 5,000's content depends on nothing but
 * the seed and its number, so batches can be generated in any order and stay repeatable.
 */
export function streamFor(seed: number, stream: number, index = 0): Random {
  let h =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) ^ Math.imul(index + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return mulberry32(h ^ (h >>> 16));
}

export const pick = <T>(rng: Random, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
export const between = (rng: Random, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

/** Picks a key of `weights` with probability proportional to its weight. */
export function weighted<K extends string | number>(rng: Random, weights: readonly (readonly [K, number])[]): K {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let r = rng() * total;
  for (const [key, w] of weights) {
    r -= w;
    if (r < 0) return key;
  }
  return (weights.at(-1) as readonly [K, number])[0];
}

/** `count` distinct items in random order. */
export function sample<T>(rng: Random, items: readonly T[], count: number): T[] {
  const copy = [...items];
  const out: T[] = [];
  while (out.length < count && copy.length > 0) out.push(copy.splice(Math.floor(rng() * copy.length), 1)[0] as T);
  return out;
}

/** Hex digits from the stream: stands in for hashes (ip_hash) without the cost of computing them. */
export function hex(rng: Random, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(rng() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

/** A UUIDv7 whose time part is `ms` and whose random part comes from the stream. */
export function uuidv7From(rng: Random, ms: number): string {
  const h = ms.toString(16).padStart(12, '0') + hex(rng, 20);
  const variant = ((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
