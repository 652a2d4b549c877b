import type { Activity } from './repository.js';

/**
 * Duplicates posted within the flood window, which the flood limits must count although nothing is
 * stored for them: counted from the stored rows alone, a guess that was a duplicate left one more
 * comment to the address before its 429, which told whether an e-mail had posted that body.
 * Held in memory for one window at most; another process sharing the database does not see them.
 */
export function createDuplicateLog() {
  const entries: { keys: readonly string[]; at: number }[] = [];
  const times = new Map<string, number[]>();

  /** Forgets everything at or before `since`; entries arrive in time order, so the oldest are first. */
  function expire(since: number) {
    while (entries.length > 0 && (entries[0]?.at ?? Number.POSITIVE_INFINITY) <= since) {
      const entry = entries.shift();
      for (const key of entry?.keys ?? []) {
        const list = times.get(key);
        list?.shift();
        if (list?.length === 0) times.delete(key);
      }
    }
  }

  return {
    add(keys: readonly string[], at: number, since: number): void {
      expire(since);
      entries.push({ keys, at });
      for (const key of keys) {
        const list = times.get(key);
        if (list) list.push(at);
        else times.set(key, [at]);
      }
    },
    /** What the log adds to a stored activity count after `since`. */
    activity(key: string, since: number): Activity {
      expire(since);
      const list = times.get(key);
      return { count: list?.length ?? 0, oldest: list?.[0] ?? null };
    },
  };
}

/** Two counts of one window, as one. */
export function addActivity(a: Activity, b: Activity): Activity {
  const oldest = a.oldest === null ? b.oldest : b.oldest === null ? a.oldest : Math.min(a.oldest, b.oldest);
  return { count: a.count + b.count, oldest };
}
