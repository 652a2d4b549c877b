/**
 * Two nodes starting at once on a database nothing has migrated yet: one migrates, the other
 * waits its turn and finds nothing to do. (test/process/concurrent-migrations.test.ts races whole
 * processes on a SQLite file; here two engines race, on either engine.)
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.js';
import { PG_MIGRATIONS_FOLDER } from '../../src/db/pg/migrate.js';
import { TEST_ENGINE } from '../helpers/engine.js';
import { emptyDatabase } from '../helpers/nodes.js';

const folder = TEST_ENGINE === 'sqlite' ? MIGRATIONS_FOLDER : PG_MIGRATIONS_FOLDER;

describe('two migrators at once on an empty database', () => {
  it('migrate once: one applies every migration, the other finds nothing to do', async () => {
    const database = await emptyDatabase();
    const first = database.open();
    const second = database.open();
    try {
      await expect(first.assertSchemaCurrent()).rejects.toThrow();
      const counts = await Promise.all([first.migrate(), second.migrate()]);
      expect([...counts].sort((x, y) => x - y)).toEqual([0, readMigrationFiles({ migrationsFolder: folder }).length]);
      expect(await first.migrate()).toBe(0);
      await first.assertSchemaCurrent();
      await second.assertSchemaCurrent();
      await second.ping();
    } finally {
      await first.close();
      await second.close();
      await database.drop();
    }
  });
});
