import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

/** Taken before any test fakes the timers. */
const realImmediate = setImmediate;
/** The next turn of the event loop: the watchers read data_version again only then. */
const nextTurn = () => new Promise((resolve) => realImmediate(resolve));

describe('createCommitWatcher', () => {
  it('reports a commit by another connection once, from the next turn on', async () => {
    const watcher = createCommitWatcher(mine.sqlite);
    expect(watcher.changedByOthers()).toBe(false);
    other.sqlite.prepare('insert into t values (1)').run();
    await nextTurn();
    expect(watcher.changedByOthers()).toBe(true);
    expect(watcher.changedByOthers()).toBe(false);
    await nextTurn();
    expect(watcher.changedByOthers()).toBe(false);
  });

  it('reads data_version once a turn, for every watcher of the connection', async () => {
    await nextTurn();
    const first = createCommitWatcher(mine.sqlite);
    const second = createCommitWatcher(mine.sqlite);
    other.sqlite.prepare('insert into t values (4)').run();
    // Read before the commit, earlier in this turn: what a request of this turn could have seen.
    expect(first.changedByOthers()).toBe(false);
    expect(second.changedByOthers()).toBe(false);
    await nextTurn();
    expect(first.changedByOthers()).toBe(true);
    expect(second.changedByOthers()).toBe(true);
    expect(first.changedByOthers()).toBe(false);
  });

  it('still reads again each turn while a test fakes the timers', async () => {
    const watcher = createCommitWatcher(mine.sqlite);
    vi.useFakeTimers();
    try {
      await nextTurn();
      expect(watcher.changedByOthers()).toBe(false);
      other.sqlite.prepare('insert into t values (5)').run();
      await nextTurn();
      expect(watcher.changedByOthers()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores the connection’s own commits, which the change feed announces', async () => {
    await nextTurn();
    const watcher = createCommitWatcher(mine.sqlite);
    mine.sqlite.prepare('insert into t values (2)').run();
    await nextTurn();
    expect(watcher.changedByOthers()).toBe(false);
  });

  it('ignores another connection’s rolled-back transaction', async () => {
    const watcher = createCommitWatcher(mine.sqlite);
    other.sqlite.exec('BEGIN IMMEDIATE; insert into t values (3); ROLLBACK');
    await nextTurn();
    expect(watcher.changedByOthers()).toBe(false);
  });
});
