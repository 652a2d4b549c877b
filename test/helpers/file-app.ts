import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll } from 'vitest';
import { buildApp, createServices } from '../../src/app.js';
import { type Config, defaultConfig } from '../../src/config.js';
import { type DatabaseOptions, openDatabase } from '../../src/db/client.js';
import { createSqliteEngine } from '../../src/engine/sqlite.js';

/** A fresh folder for database files, in the system's temp folder. */
export function tempDir(prefix = 'fjord-file-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * An app on a database file, as one of several processes sharing it: each call opens its own
 * connection, as a second server or the CLI would. Closed after the file's tests.
 */
export async function buildFileApp(
  path: string,
  options: { config?: Partial<Config>; database?: DatabaseOptions } = {},
) {
  const database = openDatabase(path, options.database);
  const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0, ...options.config });
  const engine = createSqliteEngine(database, { workBudgetMs: config.WORK_BUDGET_MS });
  await engine.migrate();
  const services = createServices(engine, undefined, config);
  const app = await buildApp({ config, engine, services });
  await app.ready();
  afterAll(async () => {
    await app.close();
    await engine.close();
  });
  return { app, services, engine, sqlite: database.sqlite, api: supertest(app.server) };
}
