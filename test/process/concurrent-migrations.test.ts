import { spawn } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { knownSchemaVersion } from '../../src/db/migrate.js';
import { tempDatabasePath } from '../helpers/server-process.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PROCESSES = 4;
const ROUNDS = 2;

interface Child {
  ready: Promise<void>;
  go: () => void;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function prepareInChild(path: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/process/fixtures/prepare-database.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: path },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      markReady();
      resolve({ code, stdout, stderr });
    }),
  );
  return { ready, go: () => child.stdin.end('go\n'), done };
}

function contents(path: string) {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const one = (query: string) => (db.prepare(query).get() as { n: number }).n;
    return {
      migrations: one('select count(*) as n from __drizzle_migrations'),
      version: one('select max(created_at) as n from __drizzle_migrations'),
      articles: one('select count(*) as n from articles'),
    };
  } finally {
    db.close();
  }
}

describe('processes starting together on one fresh database file', () => {
  it('all succeed, and the file is migrated once and seeded once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const path = tempDatabasePath();
      const children = Array.from({ length: PROCESSES }, () => prepareInChild(path));
      // Every child has loaded its code before any opens the file, so they race for it at once.
      await Promise.all(children.map((child) => child.ready));
      for (const child of children) child.go();
      const results = await Promise.all(children.map((child) => child.done));

      expect(results.map((r) => (r.code === 0 ? 0 : r.stderr))).toEqual(Array(PROCESSES).fill(0));
      const seeded = results.filter((r) => !r.stdout.includes('seeded []'));
      expect(seeded).toHaveLength(1);
      const journal = (await import('../../migrations/meta/_journal.json', { with: { type: 'json' } })).default;
      expect(contents(path)).toEqual({
        migrations: journal.entries.length,
        version: knownSchemaVersion(),
        articles: 1,
      });
    }
  }, 60_000);
});
