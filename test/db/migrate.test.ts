import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import {
  appliedSchemaVersion,
  assertSchemaCurrent,
  knownSchemaVersion,
  MIGRATIONS_FOLDER,
  runMigrations,
  SchemaVersionError,
} from '../../src/db/migrate.js';

describe('runMigrations', () => {
  it('applies every migration once, and nothing on a second run', () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    expect(runMigrations(db)).toBeGreaterThan(0);
    const rows = (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    expect(runMigrations(db)).toBe(0);
    expect((sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n).toBe(rows);
    close();
  });

  it("continues a database that drizzle's own migrator migrated", () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const before = sqlite.prepare('select hash, created_at from __drizzle_migrations order by id').all();
    expect(runMigrations(db)).toBe(0);
    expect(sqlite.prepare('select hash, created_at from __drizzle_migrations order by id').all()).toEqual(before);
    close();
  });

  it("writes bookkeeping that drizzle's own migrator reads as complete", () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    runMigrations(db);
    expect(() => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })).not.toThrow();
    expect(appliedSchemaVersion(sqlite)).toBe(knownSchemaVersion());
    close();
  });

  it('leaves a database written by a newer schema untouched', () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    runMigrations(db);
    sqlite
      .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
      .run('next', knownSchemaVersion() + 1);
    expect(() => runMigrations(db)).toThrow(SchemaVersionError);
    close();
  });
});

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
