import type { Config } from '../config.js';
import type { Engine } from './engine.js';
import { openSqliteEngine } from './sqlite.js';

/**
 * The engine the configuration names: PostgreSQL when DATABASE_URL is set, SQLite at
 * DATABASE_PATH otherwise. Opening connects lazily; nothing is migrated here.
 */
export async function openEngine(config: Config): Promise<Engine> {
  if (config.DATABASE_URL) {
    // Loaded only when used: a SQLite start never pays for the PostgreSQL driver.
    const { openPgEngine } = await import('./postgres.js');
    return openPgEngine(config.DATABASE_URL, { poolMax: config.PG_POOL_MAX, workBudgetMs: config.WORK_BUDGET_MS });
  }
  return openSqliteEngine(config.DATABASE_PATH, {
    busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS,
    workBudgetMs: config.WORK_BUDGET_MS,
  });
}
