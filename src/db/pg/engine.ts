import { inProcessRunner } from '../../modules/search/runner.js';
import { createWorkThread } from '../../work.js';
import { type Engine, noForeignChanges } from '../engine.js';
import { openPgDatabase, type PgHandle } from './client.js';
import { assertPgSchemaCurrent, assertPgSchemaNotNewer, runPgMigrations, withStartupLock } from './migrate.js';
import { createPgSearch, createPgStore } from './store.js';

export interface PgEngine extends Engine {
  readonly kind: 'postgres';
  readonly handle: PgHandle;
}

/**
 * PostgreSQL: a pool per node, any number of nodes on one database. Commands run SERIALIZABLE and
 * retry a lost race; migrations and the seed run under an advisory lock; diffs run on a work thread
 * of their own; searches run in the database's processes.
 */
export function openPgEngine(
  url: string,
  { poolMax, workBudgetMs }: { poolMax: number; workBudgetMs: number },
): PgEngine {
  const handle = openPgDatabase(url, { poolMax });
  const thread = createWorkThread({ databasePath: null, budgetMs: workBudgetMs });
  let closed = false;
  return {
    kind: 'postgres',
    handle,
    store: createPgStore(handle.db),
    work: { search: inProcessRunner(createPgSearch(handle.db)), differ: thread.differ },
    foreign: noForeignChanges,
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
      await thread.close();
      await handle.close();
    },
  };
}
