import type BetterSqlite3 from 'better-sqlite3';

export interface CommitWatcher {
  /** True once after each time another connection (a second server, the CLI) committed a change. */
  changedByOthers(): boolean;
}

/** Taken at load: a test that fakes the timers must not freeze what the watchers see. */
const nextTurn = globalThis.setImmediate;

/**
 * A connection's `data_version`, read at most once per turn of the event loop and shared by every
 * watcher of that connection.
 *
 * The requests answered in one turn are those whose bytes the turn's poll found waiting: a request
 * sent after another process acknowledged a commit was sent after that commit, so the read at the
 * turn's first lookup, which follows the poll, already sees it. Later lookups in the same turn add
 * nothing a client could observe, and each pragma costs some 16 µs: under load a turn answers
 * dozens of requests. This holds for readings taken while requests are read, as the callers do (the
 * first request hook, a search's lookup before it awaits anything): a reading taken in a timer or
 * in a setImmediate callback would serve until the next turn's check phase.
 */
const versions = new WeakMap<BetterSqlite3.Database, () => unknown>();

function dataVersionOf(sqlite: BetterSqlite3.Database): () => unknown {
  let read = versions.get(sqlite);
  if (!read) {
    const pragma = sqlite.prepare('PRAGMA data_version').pluck();
    let current: unknown;
    let fresh = false;
    const expire = () => {
      fresh = false;
    };
    read = () => {
      if (!fresh) {
        current = pragma.get();
        fresh = true;
        nextTurn(expire);
      }
      return current;
    };
    versions.set(sqlite, read);
  }
  return read;
}

/**
 * Notices commits made through other connections to the same database file. SQLite's
 * `data_version` changes when another connection commits and never for this connection's own
 * commits, which the change feed already announces. One cheap pragma a turn of the event loop
 * (dataVersionOf), so it can run before every cache lookup: whatever a process keeps in memory must
 * not outlive another process's write.
 */
export function createCommitWatcher(sqlite: BetterSqlite3.Database): CommitWatcher {
  const version = dataVersionOf(sqlite);
  let seen = version();
  return {
    changedByOthers() {
      const now = version();
      if (now === seen) return false;
      seen = now;
      return true;
    },
  };
}
