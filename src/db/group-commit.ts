import type { Database } from './client.js';

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

/** The handle a write gets: a savepoint of the turn's transaction. */
export type WriteTx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** One write: synchronous database work through `tx` alone, which may throw to refuse itself. */
export type Write<T> = (tx: WriteTx) => T;
/** Runs a write in the group commit of its connection, and settles once its transaction committed. */
export type GroupWriter = <T>(write: Write<T>) => Promise<T>;

/**
 * Runs each write of a batch in a savepoint of `tx`, in arrival order, each seeing those before it.
 * An error that ended the whole transaction (disk full, an I/O error: SQLite rolls it all back)
 * fails the batch at once: a write run after it would commit on its own, outside the batch.
 */
function runInSavepoints(db: Database, tx: WriteTx, writes: Write<unknown>[]): Outcome<unknown>[] {
  const savepoint = savepointsOf(db);
  return writes.map((write) => {
    savepoint.open.run();
    try {
      const value = write(tx);
      savepoint.release.run();
      return { value };
    } catch (error) {
      if (!db.$client.inTransaction) throw error;
      savepoint.rollback.run();
      savepoint.release.run();
      return { error };
    }
  });
}

/** The savepoint statements, prepared once per connection: drizzle's nested transaction prepares them every time. */
const savepoints = new WeakMap<Database, Record<'open' | 'release' | 'rollback', { run(): unknown }>>();
function savepointsOf(db: Database) {
  let found = savepoints.get(db);
  if (!found) {
    found = {
      open: db.$client.prepare('SAVEPOINT fjord_write'),
      release: db.$client.prepare('RELEASE fjord_write'),
      rollback: db.$client.prepare('ROLLBACK TO fjord_write'),
    };
    savepoints.set(db, found);
  }
  return found;
}

const writers = new WeakMap<Database, GroupWriter>();

/**
 * The group commit of one SQLite connection, shared by every repository on it: the comments,
 * revisions and new articles that arrive in one turn of the event loop are written by one
 * transaction, each in its own savepoint.
 */
export function groupWriterOf(db: Database): GroupWriter {
  let writer = writers.get(db);
  if (!writer) {
    const commit = createGroupCommit<Write<unknown>, unknown>((writes) =>
      db.transaction((tx) => runInSavepoints(db, tx, writes)),
    );
    writer = <T>(write: Write<T>) => commit(write) as Promise<T>;
    writers.set(db, writer);
  }
  return writer;
}
