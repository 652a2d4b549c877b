import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Database } from './client.js';

/** migrations/ sits two levels above this file, in the source tree and in the built image alike. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export function runMigrations(db: Database, migrationsFolder = MIGRATIONS_FOLDER): void {
  migrate(db, { migrationsFolder });
}

export class SchemaVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaVersionError';
  }
}

/** The creation time of the newest migration this code ships: the schema version it understands. */
export function knownSchemaVersion(migrationsFolder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  return Math.max(0, ...journal.entries.map((e) => e.when));
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
  const known = knownSchemaVersion(migrationsFolder);
  const applied = appliedSchemaVersion(sqlite);
  if (applied > known) {
    throw new SchemaVersionError(
      `The database was written by a newer version of Fjord (schema of ${new Date(applied).toISOString()}; ` +
        `this version knows schemas up to ${new Date(known).toISOString()}). Upgrade Fjord, or restore a backup made by this version.`,
    );
  }
}

/** Refuses a database this code cannot serve: newer than it knows, or not yet migrated. */
export function assertSchemaCurrent(sqlite: BetterSqlite3.Database, migrationsFolder = MIGRATIONS_FOLDER): void {
  assertSchemaNotNewer(sqlite, migrationsFolder);
  if (appliedSchemaVersion(sqlite) < knownSchemaVersion(migrationsFolder)) {
    throw new SchemaVersionError(
      'The database schema is older than this version of Fjord: run `npm run db:migrate`, or start with MIGRATE_ON_START=true.',
    );
  }
}
