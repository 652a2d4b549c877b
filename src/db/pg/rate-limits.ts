import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { PgDatabase } from './client.js';
import { rateLimits } from './schema.js';

/** A caller's count in its current window, and when that window ends (ms, the app's clock). */
export interface RateLimitCount {
  count: number;
  resetAt: number;
}

/** Write counts kept where every node sees them; the engine offers one when it can share them. */
export interface RateLimitCounter {
  /** Counts one hit on `key` and returns its window's count, the hit included. */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitCount>;
  /** The count of `key`'s current window without counting a hit: 0 when it has none. */
  peek(key: string, now: number): Promise<RateLimitCount>;
  /** Deletes windows that ended by `now` (a bounded batch); returns how many. */
  prune(now: number): Promise<number>;
}

/** Expired rows deleted per prune: a bounded statement, however many callers came and went. */
const PRUNE_BATCH = 1_000;

/**
 * Fixed-window write counts in `rate_limits`, shared by every node on the database. Each hit is one
 * upsert, atomic on its own (no transaction, no retry): concurrent hits on one key queue on its
 * row lock and each sees the count the previous one left. `now` comes from the app's clock, never
 * SQL now(); nodes whose clocks differ by a few ms move a window's end by as much.
 */
export function createPgRateLimitCounter(db: PgDatabase): RateLimitCounter {
  return {
    async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
      const expired = sql`${rateLimits.resetAt} <= ${now}`;
      const [row] = await db
        .insert(rateLimits)
        .values({ key, count: 1, resetAt: now + windowMs })
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
            resetAt: sql`case when ${expired} then excluded.reset_at else ${rateLimits.resetAt} end`,
          },
        })
        .returning({ count: rateLimits.count, resetAt: rateLimits.resetAt });
      if (!row) throw new Error('The rate limit upsert returned no row');
      return row;
    },

    async peek(key: string, now: number): Promise<RateLimitCount> {
      const [row] = await db
        .select({ count: rateLimits.count, resetAt: rateLimits.resetAt })
        .from(rateLimits)
        .where(eq(rateLimits.key, key))
        .limit(1);
      return row && row.resetAt > now ? row : { count: 0, resetAt: now };
    },

    // A later hit on a deleted window starts afresh, as it would on the expired row.
    async prune(now: number): Promise<number> {
      const expired = db
        .select({ key: rateLimits.key })
        .from(rateLimits)
        .where(lte(rateLimits.resetAt, now))
        .limit(PRUNE_BATCH);
      const deleted = await db
        .delete(rateLimits)
        // Checked again on the row itself: a hit between the two may have started a new window.
        .where(and(inArray(rateLimits.key, expired), lte(rateLimits.resetAt, now)))
        .returning({ key: rateLimits.key });
      return deleted.length;
    },
  };
}
