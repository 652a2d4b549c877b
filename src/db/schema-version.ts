/**
 * Which schema a database holds, against the schema this code knows: the newest migration applied
 * (drizzle's bookkeeping, the same on both engines) against the newest migration shipped. A
 * database newer than the code is never touched; one older than it is not served until migrated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export class SchemaVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaVersionError';
  }
}

/** The creation time of the newest migration in `migrationsFolder`: the schema version this code understands. */
export function knownSchemaVersion(migrationsFolder: string): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  return Math.max(0, ...journal.entries.map((e) => e.when));
}

/** Refuses a database that a newer Fjord has migrated: this code would misread it. */
export function assertNotNewer(applied: number, migrationsFolder: string): void {
  const known = knownSchemaVersion(migrationsFolder);
  if (applied > known) {
    throw new SchemaVersionError(
      `The database was written by a newer version of Fjord (schema of ${new Date(applied).toISOString()}; ` +
        `this version knows schemas up to ${new Date(known).toISOString()}). Upgrade Fjord, or restore a backup made by this version.`,
    );
  }
}

/** Refuses a database this code cannot serve: newer than it knows, or not yet migrated. */
export function assertCurrent(applied: number, migrationsFolder: string): void {
  assertNotNewer(applied, migrationsFolder);
  if (applied < knownSchemaVersion(migrationsFolder)) {
    throw new SchemaVersionError(
      'The database schema is older than this version of Fjord: run `npm run db:migrate`, or start with MIGRATE_ON_START=true.',
    );
  }
}
