import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openDatabase, retryWhileBusy } from '../../src/db/client.js';
import { tempDatabasePath } from '../helpers/server-process.js';

function busy(code = 'SQLITE_BUSY'): Error {
  return Object.assign(new Error('database is locked'), { code });
}

/** A run that fails with `errors` in turn, then returns 'done'; it counts its calls. */
function failing(...errors: Error[]) {
  const state = { calls: 0 };
  const run = () => {
    const err = errors[state.calls++];
    if (err) throw err;
    return 'done';
  };
  return { run, state };
}

describe('retryWhileBusy', () => {
  it('runs again while SQLite answers busy, and returns what the first try that passes returns', () => {
    const { run, state } = failing(busy(), busy('SQLITE_BUSY_RECOVERY'), busy('SQLITE_BUSY_SNAPSHOT'));
    expect(retryWhileBusy(run, 5_000)).toBe('done');
    expect(state.calls).toBe(4);
  });

  it('throws any other error at once', () => {
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const { run, state } = failing(corrupt, busy());
    expect(() => retryWhileBusy(run, 5_000)).toThrow(corrupt);
    expect(state.calls).toBe(1);
  });

  it('throws an error with no code at once', () => {
    const plain = new Error('boom');
    const { run, state } = failing(plain);
    expect(() => retryWhileBusy(run, 5_000)).toThrow(plain);
    expect(state.calls).toBe(1);
  });

  it('throws the last busy error once the time is up', () => {
    const errors = Array.from({ length: 10_000 }, (_, i) => busy(i % 2 ? 'SQLITE_BUSY' : 'SQLITE_BUSY_RECOVERY'));
    const { run, state } = failing(...errors);
    let thrown: unknown;
    try {
      retryWhileBusy(run, 30);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBe(errors[state.calls - 1]);
    expect(state.calls).toBeGreaterThan(1);
    expect(state.calls).toBeLessThan(errors.length);
  });

  it('tries once when no time is given', () => {
    const first = busy();
    const { run, state } = failing(first, busy());
    expect(() => retryWhileBusy(run, 0)).toThrow(first);
    expect(state.calls).toBe(1);
  });
});

/** In a separate process, writes one row and holds the write lock for `holdMs` before committing. */
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.exec('create table if not exists held (x)');
db.exec('begin immediate');
db.prepare('insert into held values (1)').run();
process.stdout.write('held\\n');
setTimeout(() => { db.exec('commit'); db.close(); }, Number(process.argv[2]));
`;

describe('opening a database file another process is writing', () => {
  it('waits for the write to end, then switches to WAL and sees the row written', async () => {
    const path = tempDatabasePath();
    const holder = spawn(process.execPath, ['-e', HOLDER, path, '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(holder, 'exit');
    await once(holder.stdout, 'data');

    // SQLite refuses the WAL switch at once while the write lock is held: it must be tried again.
    const handle = openDatabase(path);
    try {
      expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(handle.sqlite.prepare('select count(*) as n from held').get()).toEqual({ n: 1 });
    } finally {
      handle.close();
    }
    expect(await exited).toEqual([0, null]);
  });
});
