/**
 * When a failed delivery is tried again: exponential backoff with full jitter, so that receivers
 * that failed together (an outage) are not all called again at the same instant when they recover.
 */
export interface Backoff {
  /** The ceiling of the first retry's delay; each later retry doubles it... */
  baseMs: number;
  /** ...up to this. */
  capMs: number;
}

/** Default: retries within 5 s, 10 s, 20 s... then at most an hour apart. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 5_000, capMs: 3_600_000 };

/** A delay drawn uniformly from [0, min(cap, base × 2^(attempts − 1))), after `attempts` failed attempts. */
export function retryDelay(attempts: number, { baseMs, capMs }: Backoff, random: () => number = Math.random): number {
  // Past 2^40 the ceiling is the cap for any base; the exponent stays small enough to be exact.
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
