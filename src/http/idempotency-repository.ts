import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';

/** A remembered request: pending while its first attempt runs, then the response it got. */
export interface IdempotencyRecord {
  requestHash: string;
  /** 0 while the first attempt is still running. */
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  createdAt: number;
}

export const PENDING = 0;

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
    async claim(scope: string, key: string, requestHash: string, at: number, staleBefore: number) {
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
          .values({ scope, key, requestHash, statusCode: PENDING, headers: '{}', body: '', createdAt: at })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key })
          .all();
        if (inserted.length > 0) return null;
        const row = find(scope, key);
        if (!row) return null;
        return {
          requestHash: row.requestHash,
          statusCode: row.statusCode,
          headers: JSON.parse(row.headers) as Record<string, string>,
          body: row.body,
          createdAt: row.createdAt,
        } satisfies IdempotencyRecord;
      });
    },

    async complete(
      scope: string,
      key: string,
      response: { statusCode: number; headers: Record<string, string>; body: string },
    ) {
      db.update(idempotencyKeys)
        .set({ statusCode: response.statusCode, headers: JSON.stringify(response.headers), body: response.body })
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
        .run();
    },

    /** Forgets every key created before `before`. */
    async prune(before: number) {
      db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).run();
    },

    /** Forgets a claim whose attempt failed on the server's side, so a retry may run again. */
    async release(scope: string, key: string) {
      db.delete(idempotencyKeys)
        .where(
          and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.statusCode, PENDING)),
        )
        .run();
    },
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
