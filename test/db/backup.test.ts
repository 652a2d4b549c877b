import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase, restoreDatabase } from '../../src/db/backup.js';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { sqliteServices } from '../helpers/engine.js';
import { articleInput, TEST_ACTOR } from '../helpers/factories.js';

const dir = mkdtempSync(join(tmpdir(), 'fjord-backup-'));
const live = openDatabase(join(dir, 'live.db'));
runMigrations(live.db);
const services = sqliteServices(live);
afterAll(() => live.close());

const count = (path: string, table: string) => {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('backup and restore', () => {
  it('copies one consistent state while writes go on, and restores it into an empty path', async () => {
    for (let i = 0; i < 200; i++) await services.articles.create(articleInput(), TEST_ACTOR);
    let writing = true;
    const writes = (async () => {
      let n = 0;
      while (writing) {
        await services.articles.create(articleInput(), TEST_ACTOR);
        n++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return n;
    })();
    const backupPath = join(dir, 'backup.db');
    await backupDatabase(live.sqlite, backupPath);
    writing = false;
    const writtenDuring = await writes;

    const restored = join(dir, 'restored', 'fjord.db');
    await restoreDatabase(backupPath, restored);
    const articles = count(restored, 'articles');
    expect(articles).toBeGreaterThanOrEqual(200);
    // Every article in the copy has its revision 1: no half-written article was copied.
    expect(count(restored, 'article_revisions')).toBe(articles);
    const db = new BetterSqlite3(restored, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(count(join(dir, 'live.db'), 'articles')).toBe(200 + writtenDuring);
  });

  it('reports the pages copied, ending with every page of the copy', async () => {
    for (const copy of ['backup', 'restore'] as const) {
      const calls: [number, number][] = [];
      const onProgress = (done: number, total: number) => void calls.push([done, total]);
      const target = join(dir, `progress-${copy}.db`);
      if (copy === 'backup') await backupDatabase(live.sqlite, target, onProgress);
      else await restoreDatabase(join(dir, 'progress-backup.db'), target, onProgress);
      const pages = new BetterSqlite3(target, { readonly: true });
      const pageCount = pages.pragma('page_count', { simple: true }) as number;
      pages.close();
      expect(calls.at(-1)).toEqual([pageCount, pageCount]);
      expect(calls.length).toBeGreaterThan(1);
      for (const [i, [done, total]] of calls.entries()) {
        expect(total).toBe(pageCount);
        expect(done).toBeGreaterThanOrEqual(calls[i - 1]?.[0] ?? 0);
      }
    }
  });

  it('never overwrites an existing database', async () => {
    await expect(restoreDatabase(join(dir, 'backup.db'), join(dir, 'live.db'))).rejects.toThrow(
      /already holds a database/,
    );
    await expect(backupDatabase(live.sqlite, join(dir, 'backup.db'))).rejects.toThrow(BackupError);
  });

  it('leaves no file behind when a backup fails, so a retry to the same path works', async () => {
    const path = join(dir, 'failed.db');
    const closed = openDatabase(join(dir, 'closed.db'));
    closed.close();
    await expect(backupDatabase(closed.sqlite, path)).rejects.toThrow();
    expect(existsSync(path)).toBe(false);
    await backupDatabase(live.sqlite, path);
    expect(count(path, 'articles')).toBe(count(join(dir, 'live.db'), 'articles'));
  });

  it('refuses a file that is not a SQLite database', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all, just text '.repeat(200));
    await expect(restoreDatabase(junk, join(dir, 'from-junk.db'))).rejects.toThrow(/not a SQLite database|integrity/);
  });

  it('refuses a backup made by a newer schema', async () => {
    const newer = join(dir, 'newer.db');
    await backupDatabase(live.sqlite, newer);
    const db = new BetterSqlite3(newer);
    db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('future', Date.now() + 1e12);
    db.close();
    await expect(restoreDatabase(newer, join(dir, 'from-newer.db'))).rejects.toThrow(/newer version of Fjord/);
  });
});
