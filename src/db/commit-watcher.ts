import type BetterSqlite3 from 'better-sqlite3';

export interface CommitWatcher {
  /** True once after each time another connection (a second server, the CLI) committed a change. */
  changedByOthers(): boolean;
}

/**
 * Notices commits made through other connections to the same database file. SQLite's
 * `data_version` changes when another connection commits and never for this connection's own
 * commits, which the change feed already announces. One cheap pragma, so it can run before every
 * cache lookup: whatever a process keeps in memory must not outlive another process's write.
 */
export function createCommitWatcher(sqlite: BetterSqlite3.Database): CommitWatcher {
  const version = sqlite.prepare('PRAGMA data_version').pluck();
  let seen = version.get();
  return {
    changedByOthers() {
      const now = version.get();
      if (now === seen) return false;
      seen = now;
      return true;
    },
  };
}
