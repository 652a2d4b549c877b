import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { withoutWaiting } from '../db/errors.js';
import { idempotencyKeys } from '../db/schema.js';
import {
  claimRow,
  type IdempotencyRecord,
  PENDING,
  recordOf,
  responseColumns,
  type StoredResponse,
} from './idempotency-record.js';

export function createIdempotencyRepository(db: Database) {
  const find = (scope: string, key: string) =>
    db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
      .get();
  return {
    /**
     * Claims the key for a first attempt, atomically: returns null when this caller holds the claim,
     * or the record that is already there. A pending claim older than `staleBefore` was abandoned
     * (the process died mid-request) and is taken over.
     */
    async claim(
      scope: string,
      key: string,
      requestHash: string,
      at: number,
      staleBefore: number,
    ): Promise<IdempotencyRecord | null> {
      return db.transaction((tx) => {
        tx.delete(idempotencyKeys)
          .where(
            and(
              eq(idempotencyKeys.scope, scope),
              eq(idempotencyKeys.key, key),
              eq(idempotencyKeys.statusCode, PENDING),
              lt(idempotencyKeys.createdAt, staleBefore),
            ),
          )
          .run();
        const inserted = tx
          .insert(idempotencyKeys)
          .values(claimRow(scope, key, requestHash, at))
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key })
          .all();
        if (inserted.length > 0) return null;
        const row = find(scope, key);
        return row ? recordOf(row) : null;
      });
    },

    /**
     * Stores the answer of the key's first attempt. With `wait: false` it is refused at once
     * (UnavailableError) while another connection holds the write lock, instead of waiting busy_timeout.
     */
    async complete(scope: string, key: string, response: StoredResponse, { wait = true } = {}) {
      const write = () =>
        db
          .update(idempotencyKeys)
          .set(responseColumns(response))
          .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
          .run();
      if (wait) write();
      else withoutWaiting(db, write);
    },

    /** Forgets every key created before `before`. */
    async prune(before: number) {
      db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).run();
    },

    /** Forgets a claim whose attempt failed on the server's side, so a retry may run again. `wait` as for complete. */
    async release(scope: string, key: string, { wait = true } = {}) {
      const write = () =>
        db
          .delete(idempotencyKeys)
          .where(
            and(
              eq(idempotencyKeys.scope, scope),
              eq(idempotencyKeys.key, key),
              eq(idempotencyKeys.statusCode, PENDING),
            ),
          )
          .run();
      if (wait) write();
      else withoutWaiting(db, write);
    },
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
