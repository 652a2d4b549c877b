import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.js';

export type Database = BetterSQLite3Database<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** The driver connection, for the few things Drizzle has no words for (pragmas, backup). */
  sqlite: BetterSqlite3.Database;
  close: () => void;
}

/**
 * Opens (and creates) the SQLite database. WAL lets readers run beside the writer;
 * synchronous=FULL makes every acknowledged commit survive a power cut or kill -9.
 */
export function openDatabase(path: string): DatabaseHandle {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(inMemory ? ':memory:' : path);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  if (!inMemory) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
  }
  const db = drizzle({ client: sqlite, schema });
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
  const db = drizzle({ client: sqlite, schema });
  return { db, sqlite, close: () => sqlite.close() };
}

/** The file behind a handle, or null for an in-memory database (which no other connection can open). */
export function databaseFile(db: Database): string | null {
  // drizzle() attaches its driver as $client; the Database type does not name it.
  const client = (db as unknown as { $client?: BetterSqlite3.Database }).$client;
  return !client || client.memory ? null : client.name;
}
