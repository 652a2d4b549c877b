import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { isDatabaseBusy } from './errors.js';
import * as schema from './schema.js';

/** `$client` is the driver connection, for the few things Drizzle has no words for (pragmas, backup). */
export type Database = BetterSQLite3Database<typeof schema> & { $client: BetterSqlite3.Database };

export interface DatabaseHandle {
  db: Database;
  /** The driver connection, for the few things Drizzle has no words for (pragmas, backup). */
  sqlite: BetterSqlite3.Database;
  close: () => void;
}

export interface DatabaseOptions {
  /**
   * How long a statement waits for another connection's write lock before SQLITE_BUSY (a 503).
   * better-sqlite3 waits synchronously, holding the event loop, so keep it short.
   */
  busyTimeoutMs?: number;
}

/**
 * How long a starting process waits for another one's migration or seed: it serves nothing yet,
 * and a second server started beside the first must wait its turn, not crash.
 */
export const STARTUP_BUSY_TIMEOUT_MS = 30_000;

/**
 * SQLite's page cache per connection, in KiB (better-sqlite3 builds it with 16 MB). Every page it
 * keeps is the process's own memory, on top of the operating system's cache of the same file, which
 * serves a page the connection dropped in microseconds; with a write and a read connection, 16 MB
 * each was a quarter of the server's resident memory once writes had touched as many pages of a
 * large database.
 */
export const PAGE_CACHE_KIB = 4096;

/** The database holds e-mails and token hashes: only its owner may read it, or list its folder. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `path` for its owner alone, or tightens an existing file to that. SQLite gives -wal,
 * -shm and -journal files the main file's mode, so this one call covers them when they are created.
 * A file owned by someone else (EPERM) keeps its mode: that is its owner's choice.
 */
export function ensurePrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existsSync(path)) {
    closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
    return;
  }
  try {
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** The longest pause between two tries of `retryWhileBusy`, in ms. */
const MAX_BUSY_PAUSE_MS = 100;

/**
 * Runs `run` again, after a growing pause, while the database is busy (isDatabaseBusy), until
 * `timeoutMs` has passed; then its last error is thrown. Some statements fail at once instead of waiting on
 * busy_timeout: switching to WAL needs the exclusive lock, and SQLite refuses to wait for it while
 * another connection holds the write lock, since both could then wait forever. A process starting
 * beside one that migrates met that at its first statement. It pauses the thread: it is for
 * startup, before anything is served.
 */
export function retryWhileBusy<T>(run: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, MAX_BUSY_PAUSE_MS)) {
    try {
      return run();
    } catch (err) {
      const left = deadline - Date.now();
      if (!isDatabaseBusy(err) || left <= 0) throw err;
      Atomics.wait(pause, 0, 0, Math.min(pauseMs, left));
    }
  }
}

/**
 * Every `db.transaction()` starts IMMEDIATE: it takes the write lock first, waiting on
 * busy_timeout. A DEFERRED one reads first and then fails at once with SQLITE_BUSY when another
 * process wrote meanwhile, because an upgrade from a stale read cannot wait. Nested
 * `tx.transaction()` calls are savepoints and are not affected.
 */
function immediateTransactions(db: Database): void {
  const deferred = db.transaction.bind(db);
  db.transaction = (run, config) => deferred(run, { behavior: 'immediate', ...config });
}

/**
 * Opens (and creates) the SQLite database. WAL lets readers run beside the writer;
 * synchronous=FULL makes every acknowledged commit survive a power cut or kill -9.
 */
export function openDatabase(path: string, { busyTimeoutMs = 1000 }: DatabaseOptions = {}): DatabaseHandle {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) {
    ensurePrivateFile(path);
    // Left behind by an earlier process with looser modes: SQLite would keep using them as they are.
    for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) ensurePrivateFile(path + suffix);
  }
  const sqlite = new BetterSqlite3(inMemory ? ':memory:' : path);
  sqlite.pragma('foreign_keys = ON');
  if (!inMemory) {
    // An in-memory database lives in its page cache: it is bounded by its size, not by this.
    sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    // Switching to WAL takes the lock: a process starting while another one migrates or seeds
    // waits for it, as the migration itself does, instead of failing at its first statement.
    sqlite.pragma(`busy_timeout = ${STARTUP_BUSY_TIMEOUT_MS}`);
    retryWhileBusy(() => sqlite.pragma('journal_mode = WAL'), STARTUP_BUSY_TIMEOUT_MS);
    sqlite.pragma('synchronous = FULL');
  }
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  const db = drizzle({ client: sqlite, schema });
  immediateTransactions(db);
  let closed = false;
  return {
    db,
    sqlite,
    close() {
      if (closed) return;
      closed = true;
      sqlite.close();
    },
  };
}

/**
 * A second, read-only connection to a database file, for work kept off the main thread (search).
 * It changes nothing: no folder, no pragmas that write.
 */
export function openReadOnlyDatabase(path: string): DatabaseHandle {
  const sqlite = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  const db = drizzle({ client: sqlite, schema });
  return { db, sqlite, close: () => sqlite.close() };
}

/** The file behind a handle, or null for an in-memory database (which no other connection can open). */
export function databaseFile(db: Database): string | null {
  // drizzle() attaches its driver as $client; the Database type does not name it.
  const client = (db as unknown as { $client?: BetterSqlite3.Database }).$client;
  return !client || client.memory ? null : client.name;
}
