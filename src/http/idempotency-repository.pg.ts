import { and, eq, lt, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { isDatabaseBusy, toDomainError } from '../db/errors.js';
import type { PgDatabase } from '../db/pg/client.js';
import { idempotencyKeys } from '../db/pg/schema.js';
import { withTransaction } from '../db/pg/tx.js';
import { claimRow, PENDING, recordOf, responseColumns, type StoredResponse } from './idempotency-record.js';
import type { IdempotencyRepository } from './idempotency-repository.js';

/**
 * Idempotency keys on PostgreSQL. The claim is one row inserted with ON CONFLICT DO NOTHING, so
 * it holds across nodes; the row read back when the claim is lost is read in the claim's own
 * transaction. Writes that must not wait (`wait: false`) lock the key's row with NOWAIT, and are
 * refused at once, as an UnavailableError, while another transaction holds it.
 */
export function createPgIdempotencyRepository(db: PgDatabase): IdempotencyRepository {
  const byKey = (scope: string, key: string) => and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  const pendingByKey = (scope: string, key: string) => and(byKey(scope, key), eq(idempotencyKeys.statusCode, PENDING));
  const keys = () => db.select({ scope: idempotencyKeys.scope, key: idempotencyKeys.key }).from(idempotencyKeys);
  const keyIn = (rows: SQLWrapper) => sql`(${idempotencyKeys.scope}, ${idempotencyKeys.key}) in ${rows}`;
  /** The rows `where` names, locked without waiting: a 55P03 when another transaction holds one. */
  const lockedNow = (where: SQL | undefined) => keyIn(keys().where(where).for('update', { noWait: true }));
  const refusedAtOnce = async (write: Promise<unknown>) => {
    try {
      await write;
    } catch (err) {
      throw isDatabaseBusy(err) ? toDomainError(err) : err;
    }
  };

  return {
    async claim(scope, key, requestHash, at, staleBefore) {
      return withTransaction(db, async (tx) => {
        await tx
          .delete(idempotencyKeys)
          .where(and(pendingByKey(scope, key), lt(idempotencyKeys.createdAt, staleBefore)));
        const inserted = await tx
          .insert(idempotencyKeys)
          .values(claimRow(scope, key, requestHash, at))
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (inserted.length > 0) return null;
        const [row] = await tx.select().from(idempotencyKeys).where(byKey(scope, key));
        return row ? recordOf(row) : null;
      });
    },

    async complete(scope: string, key: string, response: StoredResponse, { wait = true } = {}) {
      const where = wait ? byKey(scope, key) : lockedNow(byKey(scope, key));
      const write = db.update(idempotencyKeys).set(responseColumns(response)).where(where);
      if (wait) await write;
      else await refusedAtOnce(write);
    },

    /** Forgets every key created before `before`; rows another transaction holds are left for the next prune. */
    async prune(before) {
      const old = keys().where(lt(idempotencyKeys.createdAt, before)).for('update', { skipLocked: true });
      await db.delete(idempotencyKeys).where(keyIn(old));
    },

    async release(scope: string, key: string, { wait = true } = {}) {
      const where = wait ? pendingByKey(scope, key) : lockedNow(pendingByKey(scope, key));
      const write = db.delete(idempotencyKeys).where(where);
      if (wait) await write;
      else await refusedAtOnce(write);
    },
  };
}
