import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ensurePrivateFile, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './client.js';
import { assertSchemaNotNewer } from './migrate.js';

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** Called as pages are copied, and once more with done === total at the end. */
export type PageProgress = (done: number, total: number) => void;

/** Pages copied per step of the backup API: better-sqlite3's own default. */
const PAGES_PER_STEP = 100;

/** The backup API's copy of `source` into the file `destination`, reporting the pages copied. */
async function copyPages(source: BetterSqlite3.Database, destination: string, onProgress?: PageProgress) {
  const { totalPages } = await source.backup(destination, {
    progress: ({ totalPages, remainingPages }) => {
      onProgress?.(totalPages - remainingPages, totalPages);
      return PAGES_PER_STEP;
    },
  });
  onProgress?.(totalPages, totalPages);
}

/**
 * A consistent copy of a live database through SQLite's online backup API: writers go on while
 * pages are copied, and the copy is one committed state.
 */
export async function backupDatabase(
  sqlite: BetterSqlite3.Database,
  destination: string,
  onProgress?: PageProgress,
): Promise<void> {
  mkdirSync(dirname(destination), { recursive: true, mode: PRIVATE_DIR_MODE });
  // Created empty and private before SQLite writes to it: a copy holds what the database holds.
  // 'wx' checks and creates in one step, so an existing file is never written over.
  try {
    closeSync(openSync(destination, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupError(`${destination} already exists; choose a new file`);
    }
    throw err;
  }
  try {
    await copyPages(sqlite, destination, onProgress);
  } catch (err) {
    // This call created the file: a failed copy must not block the retry with "already exists".
    rmSync(destination, { force: true });
    rmSync(`${destination}-journal`, { force: true });
    throw err;
  }
}

function isEmptyDatabase(path: string): boolean {
  if (!existsSync(path)) return true;
  if (statSync(path).size === 0) return true;
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return (db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number }).n === 0;
  } finally {
    db.close();
  }
}

/**
 * Restores a backup into an empty database path: the backup must pass integrity_check and carry
 * a schema this version understands; an existing database is never overwritten.
 */
export async function restoreDatabase(source: string, destination: string, onProgress?: PageProgress): Promise<void> {
  if (!existsSync(source)) throw new BackupError(`${source} does not exist`);
  if (!isEmptyDatabase(destination)) {
    throw new BackupError(`${destination} already holds a database; restore into an empty DATABASE_PATH`);
  }
  const backup = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    let check: unknown;
    try {
      check = backup.pragma('integrity_check', { simple: true });
    } catch (err) {
      throw new BackupError(`${source} is not a SQLite database: ${(err as Error).message}`);
    }
    if (check !== 'ok') throw new BackupError(`${source} fails integrity_check: ${String(check)}`);
    try {
      assertSchemaNotNewer(backup);
    } catch (err) {
      throw new BackupError(`${source} cannot be restored: ${(err as Error).message}`);
    }
    ensurePrivateFile(destination);
    await copyPages(backup, destination, onProgress);
  } finally {
    backup.close();
  }
}
