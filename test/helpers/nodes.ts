/**
 * Two apps on one database, as two nodes behind a load balancer: on SQLite two connections to one
 * temporary file, on PostgreSQL two pools on one database. Each node has its own services and
 * response cache; they share only the database (and a clock, when the test passes one).
 */
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll } from 'vitest';
import { buildApp, createServices } from '../../src/app.js';
import { type Config, defaultConfig } from '../../src/config.js';
import type { Engine } from '../../src/engine/engine.js';
import { openPgEngine } from '../../src/engine/postgres.js';
import { openSqliteEngine } from '../../src/engine/sqlite.js';
import type { Clock } from '../../src/shared/clock.js';
import { openSibling, openTestEngine, serverUrl, TEST_ENGINE, testDatabaseName } from './engine.js';
import { tempDir } from './file-app.js';
import { createDatabase } from './pg-admin.js';

const WORK_BUDGET_MS = 1000;

async function buildNode(engine: Engine, config: Config, clock: Clock | undefined) {
  const services = createServices(engine, clock, config);
  const app = await buildApp({ config, engine, services, ...(clock ? { clock } : {}) });
  await app.ready();
  return { app, engine, services, api: supertest(app.server) };
}

export type Node = Awaited<ReturnType<typeof buildNode>>;

/** Two nodes on a fresh migrated database, closed after the file's tests. */
export async function buildTwoNodes(options: { config?: Partial<Config>; clock?: Clock } = {}) {
  const first = await openTestEngine(
    TEST_ENGINE === 'sqlite' ? { path: join(tempDir('fjord-nodes-'), 'shared.db') } : {},
  );
  const second = await openSibling(first);
  // Rate limits and load shedding are off unless a test turns them on, as in buildTestApp.
  const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0, ...options.config });
  const a = await buildNode(first.engine, config, options.clock);
  const b = await buildNode(second, config, options.clock);
  afterAll(async () => {
    await a.app.close();
    await b.app.close();
    await second.close();
    await first.close();
  });
  return { a, b, probe: first.probe };
}

/**
 * An empty database nothing has migrated, and engines on it that do not migrate by themselves:
 * a new SQLite file, or a new PostgreSQL database. `drop` closes nothing: close the engines first.
 */
export async function emptyDatabase(): Promise<{
  open: () => Engine;
  drop: () => Promise<void>;
  /** What a process is given to open it: DATABASE_PATH on SQLite, DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
}> {
  if (TEST_ENGINE === 'sqlite') {
    const path = join(tempDir('fjord-empty-'), 'new.db');
    return {
      open: () => openSqliteEngine(path, { workBudgetMs: WORK_BUDGET_MS }),
      drop: async () => {},
      env: { DATABASE_PATH: path },
    };
  }
  const { url, drop } = await createDatabase(serverUrl(), testDatabaseName('empty_'));
  return {
    open: () => openPgEngine(url, { poolMax: 4, workBudgetMs: WORK_BUDGET_MS }),
    drop,
    env: { DATABASE_URL: url, IP_HASH_KEY: 'test-key-of-at-least-thirty-two-characters' },
  };
}
