/**
 * The delivery queue on PostgreSQL, where several nodes claim at once: each claim locks the rows
 * it takes and skips those another node is taking (FOR UPDATE SKIP LOCKED), and a row whose lease
 * another node set meanwhile is re-checked against the lease and left out, so each attempt is made
 * by exactly one node.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgDatabase, PgTransaction } from '../../db/pg/client.js';
import { events, webhookDeliveries, webhooks } from '../../db/pg/schema.js';
import { withLockingTransaction } from '../../db/pg/tx.js';
import { type DeliveryQueue, inLockOrder, type Settlement, streakAfter, toClaimed } from './queue.js';
import { STOPPED } from './repository.js';

export async function disablePgWebhook(tx: PgTransaction, id: number, reason: string, at: number): Promise<void> {
  await tx
    .update(webhooks)
    .set({ enabled: false, disabledReason: reason, disabledAt: at, updatedAt: at })
    .where(eq(webhooks.id, id));
  await stopPgPending(tx, id);
}

/** As on SQLite: a disabled webhook's pending deliveries are given up. */
async function stopPgPending(tx: PgTransaction, id: number): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({
      status: 'failed',
      nextAttemptAt: null,
      lastError: sql`coalesce(${webhookDeliveries.lastError}, ${STOPPED})`,
    })
    .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'pending')));
}

/** One attempt's record, in the caller's transaction (see ./queue.ts). */
async function settleOne(tx: PgTransaction, s: Settlement): Promise<void> {
  const { delivery } = s;
  const mine = await tx
    .update(webhookDeliveries)
    .set({
      status: s.verdict.status,
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      nextAttemptAt: s.verdict.nextAttemptAt,
      leaseUntil: null,
      lastAttemptAt: s.at,
      lastStatus: s.result.status,
      lastError: s.result.error,
      lastResponse: s.result.excerpt,
    })
    .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseUntil, delivery.leaseUntil)))
    .returning({ id: webhookDeliveries.id });
  if (mine.length === 0) return;
  const givenUp = s.verdict.status === 'failed';
  const streak = streakAfter(s.verdict, webhooks.failureStreak);
  // The webhook's row lock orders the attempts of every node: each sees the streak the last left.
  const [webhook] = await tx
    .update(webhooks)
    .set({ failureStreak: streak })
    .where(eq(webhooks.id, delivery.webhookId))
    .returning({ streak: webhooks.failureStreak, enabled: webhooks.enabled });
  if (!webhook) return;
  // Disabled while this attempt was under way: its retry is given up like the others.
  if (!webhook.enabled) return stopPgPending(tx, delivery.webhookId);
  if (!givenUp) return;
  const reason = s.verdict.disable ?? (webhook.streak >= s.disableAfter ? s.streakReason(webhook.streak) : null);
  if (reason) await disablePgWebhook(tx, delivery.webhookId, reason, s.at);
}

export function createPgDeliveryQueue(db: PgDatabase): DeliveryQueue {
  const due = (now: number) => sql`
    d.status = 'pending' AND d.next_attempt_at <= ${now} AND (d.lease_until IS NULL OR d.lease_until < ${now})
    AND w.enabled`;
  return {
    async hasDue(now) {
      const result = await db.execute(sql`
        SELECT 1 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE ${due(now)} LIMIT 1`);
      return result.rows.length > 0;
    },
    async claim(now, limit, leaseUntil) {
      // One statement, READ COMMITTED: a row locked by another claim is skipped; one it has just
      // leased is re-read once its lock is granted, and fails the lease condition.
      const claimed = await db.execute<{ id: number }>(sql`
        UPDATE webhook_deliveries SET lease_until = ${leaseUntil}
        WHERE id IN (
          SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE ${due(now)}
          ORDER BY d.next_attempt_at, d.id LIMIT ${limit}
          FOR UPDATE OF d SKIP LOCKED)
        RETURNING id`);
      const ids = claimed.rows.map((r) => Number(r.id));
      if (ids.length === 0) return [];
      const rows = await db
        .select({
          id: webhookDeliveries.id,
          webhookId: webhookDeliveries.webhookId,
          attempts: webhookDeliveries.attempts,
          url: webhooks.url,
          secret: webhooks.secret,
          eventId: events.id,
          type: events.type,
          occurredAt: events.occurredAt,
          data: events.data,
          surrogateKeys: events.surrogateKeys,
        })
        .from(webhookDeliveries)
        .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
        .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
        .where(inArray(webhookDeliveries.id, ids))
        .orderBy(webhookDeliveries.id);
      return rows.map((row) => toClaimed(row, leaseUntil));
    },
    async settle(settlements) {
      if (settlements.length === 0) return;
      await withLockingTransaction(db, async (tx) => {
        for (const s of inLockOrder(settlements)) await settleOne(tx, s);
      });
    },
    async release(delivery) {
      await db
        .update(webhookDeliveries)
        .set({ leaseUntil: null })
        .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseUntil, delivery.leaseUntil)));
    },
  };
}
