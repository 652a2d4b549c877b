import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/db/backup.js';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { sqliteServices } from '../helpers/engine.js';
import { articleInput, TEST_ACTOR } from '../helpers/factories.js';
import { tempDir } from '../helpers/file-app.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('database files', () => {
  // Under the usual umask 022 a file is created world-readable unless the code asks otherwise;
  // under 077 every test here would pass without the code doing anything.
  let umask = 0;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('are created readable by their owner alone: the database, its WAL, its shared memory and its folder', async () => {
    const folder = join(tempDir(), 'data');
    const path = join(folder, 'fjord.db');
    const database = openDatabase(path);
    runMigrations(database.db);
    await sqliteServices(database).articles.create(articleInput(), TEST_ACTOR);
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect({
      folder: modeOf(folder),
      db: modeOf(path),
      wal: modeOf(`${path}-wal`),
      shm: modeOf(`${path}-shm`),
    }).toEqual({ folder: 0o700, db: 0o600, wal: 0o600, shm: 0o600 });
    database.close();
  });

  it('are tightened when an earlier version left them world-readable', () => {
    const path = join(tempDir(), 'old.db');
    const first = openDatabase(path);
    first.sqlite.exec('create table t (n integer)');
    first.close();
    writeFileSync(`${path}-wal`, '');
    chmodSync(path, 0o644);
    chmodSync(`${path}-wal`, 0o644);
    const database = openDatabase(path);
    expect([modeOf(path), modeOf(`${path}-wal`)]).toEqual([0o600, 0o600]);
    database.close();
  });

  it('include backups and restored copies', async () => {
    const dir = tempDir();
    const database = openDatabase(join(dir, 'live.db'));
    runMigrations(database.db);
    const backup = join(dir, 'backups', 'copy.db');
    await backupDatabase(database.sqlite, backup);
    database.close();
    const restored = join(dir, 'restored', 'fjord.db');
    await restoreDatabase(backup, restored);
    expect({ backup: modeOf(backup), restored: modeOf(restored), folder: modeOf(join(dir, 'backups')) }).toEqual({
      backup: 0o600,
      restored: 0o600,
      folder: 0o700,
    });
  });
});
