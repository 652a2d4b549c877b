import { sql } from 'drizzle-orm';
import { type AppError } from '../../errors.js';
import { driverCode } from '../errors.js';
import type { PgDatabase, PgTransaction } from './client.js';

/** query_canceled: what PostgreSQL answers when a statement outlives statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * Runs the read-only `work` in a transaction whose statements PostgreSQL cancels past `budgetMs`:
 * the same bound the SQLite engine puts on its work thread, answered with the same 503 too_costly.
 * The cost is paid by a database process, never by the event loop.
 */
export async function withinBudget<T>(
  db: PgDatabase,
  budgetMs: number,
  tooCostly: () => AppError,
  work: (tx: PgTransaction) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(
      async (tx) => {
        await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(budgetMs))}`));
        return work(tx);
      },
      { accessMode: 'read only' },
    );
  } catch (err) {
    if (driverCode(err) === QUERY_CANCELED) throw tooCostly();
    throw err;
  }
}
