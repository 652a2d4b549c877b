import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { type Database, STARTUP_BUSY_TIMEOUT_MS } from './client.js';
import { assertCurrent, assertNotNewer, knownSchemaVersion as knownIn, SchemaVersionError } from './schema-version.js';

export { SchemaVersionError };

/** migrations/ sits two levels above this file, in the source tree and in the built image alike. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export { STARTUP_BUSY_TIMEOUT_MS };

/** Runs `run` with a longer busy_timeout, and restores the connection's own afterwards. */
function waitingLonger<T>(sqlite: BetterSqlite3.Database, run: () => T): T {
  const own = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma(`busy_timeout = ${Math.max(own, STARTUP_BUSY_TIMEOUT_MS)}`);
  try {
    return run();
  } finally {
    sqlite.pragma(`busy_timeout = ${own}`);
  }
}

/**
 * Applies the migrations this database lacks, all in one IMMEDIATE transaction that reads what is
 * applied only once it holds the write lock: processes starting together on one file take turns,
 * and each later one finds the work done. Drizzle's own migrator reads before it locks, so two of
 * them both apply the first migration and one fails. The bookkeeping is drizzle's own table, so
 * `drizzle-kit` and databases migrated before keep working. Returns how many it applied.
 */
export function runMigrations(db: Database, migrationsFolder = MIGRATIONS_FOLDER): number {
  const migrations = readMigrationFiles({ migrationsFolder });
  return waitingLonger(db.$client, () =>
    db.transaction(
      (tx) => {
        tx.run(
          sql.raw(
            'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)',
          ),
        );
        // Under the lock: an older Fjord must not apply its migrations to a newer database.
        assertSchemaNotNewer(db.$client, migrationsFolder);
        const applied = appliedSchemaVersion(db.$client);
        let count = 0;
        for (const migration of migrations) {
          if (migration.folderMillis <= applied) continue;
          for (const statement of migration.sql) tx.run(sql.raw(statement));
          tx.run(
            sql`INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (${migration.hash}, ${migration.folderMillis})`,
          );
          count++;
        }
        return count;
      },
      { behavior: 'immediate' },
    ),
  );
}

/**
 * Runs an async `run` (a seed, written through the services) while this connection holds the write
 * lock: the services' own transactions nest inside as savepoints, and another process starting
 * meanwhile waits, then sees what `run` wrote. Only for startup, when nothing else uses the
 * connection: every await inside holds the lock.
 */
export async function withWriteLock<T>(sqlite: BetterSqlite3.Database, run: () => Promise<T>): Promise<T> {
  waitingLonger(sqlite, () => sqlite.exec('BEGIN IMMEDIATE'));
  try {
    const result = await run();
    sqlite.exec('COMMIT');
    return result;
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
}

/** The creation time of the newest SQLite migration this code ships: the schema version it understands. */
export function knownSchemaVersion(migrationsFolder = MIGRATIONS_FOLDER): number {
  return knownIn(migrationsFolder);
}

/** The newest migration applied to the database, or 0 for a database never migrated. */
export function appliedSchemaVersion(sqlite: BetterSqlite3.Database): number {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return 0;
  const row = sqlite.prepare('select max(created_at) as version from __drizzle_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/** Refuses a database that a newer Fjord has migrated: this code would misread it. */
export function assertSchemaNotNewer(sqlite: BetterSqlite3.Database, migrationsFolder = MIGRATIONS_FOLDER): void {
  assertNotNewer(appliedSchemaVersion(sqlite), migrationsFolder);
}

/** Refuses a database this code cannot serve: newer than it knows, or not yet migrated. */
export function assertSchemaCurrent(sqlite: BetterSqlite3.Database, migrationsFolder = MIGRATIONS_FOLDER): void {
  assertCurrent(appliedSchemaVersion(sqlite), migrationsFolder);
}
