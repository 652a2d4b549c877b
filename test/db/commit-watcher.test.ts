import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { createCommitWatcher } from '../../src/db/commit-watcher.js';
import { tempDir } from '../helpers/file-app.js';

const path = join(tempDir(), 'watched.db');
const mine = openDatabase(path);
const other = openDatabase(path);
afterAll(() => {
  mine.close();
  other.close();
});
mine.sqlite.exec('create table t (n integer)');

describe('createCommitWatcher', () => {
  it('reports a commit by another connection once', () => {
    const watcher = createCommitWatcher(mine.sqlite);
    expect(watcher.changedByOthers()).toBe(false);
    other.sqlite.prepare('insert into t values (1)').run();
    expect(watcher.changedByOthers()).toBe(true);
    expect(watcher.changedByOthers()).toBe(false);
  });

  it('ignores the connection’s own commits, which the change feed announces', () => {
    const watcher = createCommitWatcher(mine.sqlite);
    mine.sqlite.prepare('insert into t values (2)').run();
    expect(watcher.changedByOthers()).toBe(false);
  });

  it('ignores another connection’s rolled-back transaction', () => {
    const watcher = createCommitWatcher(mine.sqlite);
    other.sqlite.exec('BEGIN IMMEDIATE; insert into t values (3); ROLLBACK');
    expect(watcher.changedByOthers()).toBe(false);
  });
});
