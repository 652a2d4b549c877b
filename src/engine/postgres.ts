import { randomUUID } from 'node:crypto';
import { createPgChangeBus, foreignChangesOver } from '../db/pg/change-bus.js';
import { openPgDatabase, type PgHandle } from '../db/pg/client.js';
import { assertPgSchemaCurrent, assertPgSchemaNotNewer, runPgMigrations, withStartupLock } from '../db/pg/migrate.js';
import { createPgRateLimitCounter } from '../db/pg/rate-limits.js';
import { inProcessRunner } from '../modules/search/runner.js';
import { createWorkThread } from '../work.js';
import type { Engine, EngineLog } from './engine.js';
import { createPgSearch, createPgStore } from './postgres-store.js';

/** Until the app hands the engine its logger, what the engine reports goes to stderr as one JSON line. */
const stderrLog: EngineLog = {
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg, ...obj })}\n`),
  error: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...obj })}\n`),
};

export interface PgEngine extends Engine {
  readonly kind: 'postgres';
  readonly handle: PgHandle;
}

/**
 * PostgreSQL: a pool per node, any number of nodes on one database. Each command locks the row it
 * changes first, or runs SERIALIZABLE and retries a lost race; migrations and the seed run under an
 * advisory lock; diffs run on a work thread of their own, started by the first one; searches run in
 * the database's processes.
 */
export function openPgEngine(
  url: string,
  { poolMax, workBudgetMs }: { poolMax: number; workBudgetMs: number },
): PgEngine {
  const handle = openPgDatabase(url, { poolMax });
  let thread: ReturnType<typeof createWorkThread> | null = null;
  let target = stderrLog;
  const log: EngineLog = {
    info: (obj, msg) => target.info(obj, msg),
    warn: (obj, msg) => target.warn(obj, msg),
    error: (obj, msg) => target.error(obj, msg),
  };
  // Cache purges travel to the other nodes; this node's own notices come back and are ignored by origin.
  const bus = createPgChangeBus({ url, origin: randomUUID(), log, pool: handle.pool });
  let closed = false;
  return {
    kind: 'postgres',
    handle,
    store: createPgStore(handle.db),
    work: {
      search: inProcessRunner(createPgSearch(handle.db, workBudgetMs)),
      differ: {
        diff: (from, to, format) => {
          thread ??= createWorkThread({ databasePath: null, budgetMs: workBudgetMs });
          return thread.differ.diff(from, to, format);
        },
      },
    },
    foreign: foreignChangesOver(bus, log),
    rateLimits: createPgRateLimitCounter(handle.db),
    useLog: (given) => {
      target = given;
    },
    sharedSchedules: true,
    ping: async () => {
      await handle.pool.query('select 1');
    },
    migrate: () => runPgMigrations(url),
    assertSchemaNotNewer: () => assertPgSchemaNotNewer(handle.pool),
    assertSchemaCurrent: () => assertPgSchemaCurrent(handle.pool),
    exclusively: (run) => withStartupLock(url, () => run()),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await bus.close();
        await thread?.close();
      } finally {
        await handle.close();
      }
    },
  };
}
