import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import {
  appliedSchemaVersion,
  assertSchemaCurrent,
  knownSchemaVersion,
  runMigrations,
  SchemaVersionError,
} from '../../src/db/migrate.js';

describe('schema version', () => {
  it('accepts a database migrated by this version', () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    runMigrations(db);
    expect(appliedSchemaVersion(sqlite)).toBe(knownSchemaVersion());
    expect(() => assertSchemaCurrent(sqlite)).not.toThrow();
    close();
  });

  it('refuses a database that was never migrated', () => {
    const { sqlite, close } = openDatabase(':memory:');
    expect(() => assertSchemaCurrent(sqlite)).toThrow(/run `npm run db:migrate`/);
    close();
  });

  it('refuses a database written by a newer schema', () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    runMigrations(db);
    sqlite
      .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
      .run('next', knownSchemaVersion() + 1);
    expect(() => assertSchemaCurrent(sqlite)).toThrow(SchemaVersionError);
    expect(() => assertSchemaCurrent(sqlite)).toThrow(/newer version of Fjord/);
    close();
  });
});
