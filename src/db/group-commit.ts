/**
 * Group commit: writes that arrive in the same turn of the event loop are committed by one
 * transaction, so one fsync serves them all instead of one each. Every write still runs in its own
 * savepoint, so one refused write (a conflict) rolls back alone, and no caller hears back before
 * the transaction holding its write has committed.
 */
export type Outcome<O> = { value: O } | { error: unknown };

export function createGroupCommit<I, O>(commitAll: (items: I[]) => Outcome<O>[]): (item: I) => Promise<O> {
  let pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    let outcomes: Outcome<O>[];
    try {
      outcomes = commitAll(batch.map((p) => p.item));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (!outcome) p.reject(new Error('group commit lost a write'));
      else if ('error' in outcome) p.reject(outcome.error);
      else p.resolve(outcome.value);
    });
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      // After the I/O callbacks of this turn: every request read in it joins the batch.
      if (pending.length === 1) setImmediate(flush);
    });
}
