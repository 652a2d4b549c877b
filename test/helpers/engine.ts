/**
 * The engine a test file runs on: the vitest project names it (`sqlite` or `postgres`, see
 * vitest.config.ts). On PostgreSQL each call gets a database of its own, copied from the migrated
 * template the global setup made, and dropped when closed.
 */
import { randomBytes } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { createServices } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import type { Engine, EngineKind } from '../../src/engine/engine.js';
import { openPgEngine, type PgEngine } from '../../src/engine/postgres.js';
import { createSqliteEngine, openSqliteEngine, type SqliteEngine } from '../../src/engine/sqlite.js';
import { createDatabase } from './pg-admin.js';

export const TEST_ENGINE: EngineKind = process.env.FJORD_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** Raw SQL on the test's database, whichever the engine: for assertions on what is stored. */
export interface Probe {
  /** Rows of a query; numbers come back as numbers on both engines. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  run(query: SQL): Promise<void>;
}

export interface TestEngine {
  engine: SqliteEngine | PgEngine;
  probe: Probe;
  /** The connection URL of this test's PostgreSQL database (a second app can open it too), or the SQLite path. */
  location: string;
  close(): Promise<void>;
}

const WORK_BUDGET_MS = 1000;

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('the postgres test project needs TEST_DATABASE_URL (postgres://user@host:port/db)');
  return url;
}

/**
 * A name for a database of this run: the global teardown drops every database named after the
 * run's template, so none outlives the run, even when a test file fails before its own cleanup.
 */
export function testDatabaseName(kind = ''): string {
  const run = inject('pgTemplate').replace(/^fjord_template_/, '');
  return `fjord_test_${run}_${kind}${randomBytes(6).toString('hex')}`;
}

/** A fresh, migrated PostgreSQL database, copied from the run's template; returns its URL and a drop. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = inject('pgTemplate');
  return createDatabase(serverUrl(), testDatabaseName(), template);
}

/** A second engine on the same database as `first`: another node, or the CLI beside a server. */
export async function openSibling(first: TestEngine): Promise<Engine> {
  if (first.engine.kind === 'postgres')
    return openPgEngine(first.location, { poolMax: 4, workBudgetMs: WORK_BUDGET_MS });
  const engine = openSqliteEngine(first.location, { workBudgetMs: WORK_BUDGET_MS });
  return engine;
}

export async function openTestEngine({ path }: { path?: string } = {}): Promise<TestEngine> {
  if (TEST_ENGINE === 'postgres') {
    const database = await createTestDatabase();
    const engine = openPgEngine(database.url, { poolMax: 4, workBudgetMs: WORK_BUDGET_MS });
    const { db } = engine.handle;
    return {
      engine,
      location: database.url,
      probe: {
        rows: async <T extends Record<string, unknown>>(query: SQL) => (await db.execute(query)).rows as T[],
        run: async (query) => {
          await db.execute(query);
        },
      },
      close: async () => {
        await engine.close();
        await database.drop();
      },
    };
  }
  const location = path ?? process.env.TEST_DATABASE_PATH ?? ':memory:';
  const engine = openSqliteEngine(location, { workBudgetMs: WORK_BUDGET_MS });
  await engine.migrate();
  const { db } = engine.handle;
  return {
    engine,
    location,
    probe: {
      rows: async <T extends Record<string, unknown>>(query: SQL) => db.all<T>(query),
      run: async (query) => {
        db.run(query);
      },
    },
    close: () => engine.close(),
  };
}

/** The services of a SQLite database a test opened itself (a file the CLI wrote, a restored backup). */
export function sqliteServices(handle: DatabaseHandle, config = defaultConfig()) {
  return createServices(createSqliteEngine(handle, { workBudgetMs: WORK_BUDGET_MS }), undefined, config);
}

export { sql };
