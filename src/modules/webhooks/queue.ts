/**
 * The delivery queue as the worker sees it: what is due, claimed for one attempt by one process
 * (`lease_until`), then settled with the attempt's result. SQLite: one writer at a time, so one
 * UPDATE ... RETURNING claims a batch that no other process can also claim.
 */
import { type AnyColumn, and, eq, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { events, webhookDeliveries, webhooks } from '../../db/schema.js';
import type { AttemptResult, Verdict } from './outcome.js';
import { disableWebhook, stopPending } from './repository.js';

/**
 * A webhook's failure streak after a settlement, as SQL on either engine's column: a delivery given
 * up (past its retry window, or a 410) counts against the webhook; a retry still to come does not,
 * so a receiver that is down for a while gets its events back; a success starts it again.
 */
export function streakAfter(verdict: Verdict, column: AnyColumn): SQL | 0 {
  if (verdict.status === 'succeeded') return 0;
  return verdict.status === 'failed' ? sql`${column} + 1` : sql`${column}`;
}

/** A delivery claimed for one attempt, with what the attempt needs. */
export interface ClaimedDelivery {
  id: number;
  webhookId: number;
  /** Attempts made before this one. */
  attempts: number;
  /** The lease this claim holds: settling checks it is still ours. */
  leaseUntil: number;
  url: string;
  secret: string;
  event: { id: number; type: string; occurredAt: number; data: string; surrogateKeys: string };
}

export interface Settlement {
  delivery: ClaimedDelivery;
  at: number;
  result: AttemptResult;
  verdict: Verdict;
  /** Consecutive failed attempts at which the webhook is disabled, with the reason to record. */
  disableAfter: number;
  streakReason: (streak: number) => string;
}

export interface DeliveryQueue {
  /** Whether any delivery is due at `now`: one indexed read, nothing written. */
  hasDue(now: number): Promise<boolean>;
  /** Claims up to `limit` due deliveries of enabled webhooks until `leaseUntil`. */
  claim(now: number, limit: number, leaseUntil: number): Promise<ClaimedDelivery[]>;
  /**
   * Records attempts, in one transaction; for each, nothing if its lease was lost (expired and
   * claimed again) or its webhook deleted.
   */
  settle(settlements: readonly Settlement[]): Promise<void>;
  /** Gives a claimed delivery back untried (the process is stopping). */
  release(delivery: ClaimedDelivery): Promise<void>;
}

export const dueSince = (now: number) =>
  and(
    eq(webhookDeliveries.status, 'pending'),
    lte(webhookDeliveries.nextAttemptAt, now),
    or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now)),
  );

const claimedColumns = {
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
};

/** A claimed delivery as both engines select it, with the event and webhook it needs. */
export interface ClaimedRecord {
  id: number;
  webhookId: number;
  attempts: number;
  url: string;
  secret: string;
  eventId: number;
  type: string;
  occurredAt: number;
  data: string;
  surrogateKeys: string;
}

/** `leaseUntil` is the claim's own: only a settle, or the lease expiring, changes it. */
export function toClaimed(row: ClaimedRecord, leaseUntil: number): ClaimedDelivery {
  return {
    id: row.id,
    webhookId: row.webhookId,
    attempts: row.attempts,
    leaseUntil,
    url: row.url,
    secret: row.secret,
    event: {
      id: row.eventId,
      type: row.type,
      occurredAt: row.occurredAt,
      data: row.data,
      surrogateKeys: row.surrogateKeys,
    },
  };
}

function attemptColumns(s: Settlement) {
  return {
    status: s.verdict.status,
    attempts: sql`${webhookDeliveries.attempts} + 1`,
    nextAttemptAt: s.verdict.nextAttemptAt,
    leaseUntil: null,
    lastAttemptAt: s.at,
    lastStatus: s.result.status,
    lastError: s.result.error,
    lastResponse: s.result.excerpt,
  };
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** By webhook, then delivery: on PostgreSQL, two nodes settling batches then lock rows in the same order. */
export function inLockOrder(settlements: readonly Settlement[]): Settlement[] {
  return [...settlements].sort((a, b) => a.delivery.webhookId - b.delivery.webhookId || a.delivery.id - b.delivery.id);
}

function settleOne(tx: Tx, s: Settlement): void {
  const { delivery } = s;
  const mine = tx
    .update(webhookDeliveries)
    .set(attemptColumns(s))
    .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseUntil, delivery.leaseUntil)))
    .returning({ id: webhookDeliveries.id })
    .get();
  if (!mine) return;
  const givenUp = s.verdict.status === 'failed';
  const streak = streakAfter(s.verdict, webhooks.failureStreak);
  const webhook = tx
    .update(webhooks)
    .set({ failureStreak: streak })
    .where(eq(webhooks.id, delivery.webhookId))
    .returning({ streak: webhooks.failureStreak, enabled: webhooks.enabled })
    .get();
  if (!webhook) return;
  // Disabled while this attempt was under way: its retry is given up like the others.
  if (!webhook.enabled) return stopPending(tx, delivery.webhookId);
  if (!givenUp) return;
  const reason = s.verdict.disable ?? (webhook.streak >= s.disableAfter ? s.streakReason(webhook.streak) : null);
  if (reason) disableWebhook(tx, delivery.webhookId, reason, s.at);
}

export function createDeliveryQueue(db: Database): DeliveryQueue {
  return {
    async hasDue(now) {
      return (
        db
          .select({ one: sql`1` })
          .from(webhookDeliveries)
          .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
          .where(and(dueSince(now), eq(webhooks.enabled, true)))
          .limit(1)
          .get() !== undefined
      );
    },
    async claim(now, limit, leaseUntil) {
      return db.transaction((tx) => {
        const due = tx
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
          .where(and(dueSince(now), eq(webhooks.enabled, true)))
          .orderBy(webhookDeliveries.nextAttemptAt, webhookDeliveries.id)
          .limit(limit);
        const ids = tx
          .update(webhookDeliveries)
          .set({ leaseUntil })
          .where(inArray(webhookDeliveries.id, due))
          .returning({ id: webhookDeliveries.id })
          .all()
          .map((r) => r.id);
        if (ids.length === 0) return [];
        return tx
          .select(claimedColumns)
          .from(webhookDeliveries)
          .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
          .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
          .where(inArray(webhookDeliveries.id, ids))
          .orderBy(webhookDeliveries.id)
          .all()
          .map((row) => toClaimed(row, leaseUntil));
      });
    },
    async settle(settlements) {
      // One transaction, one commit (one fsync) for every attempt that ended together.
      db.transaction((tx) => {
        for (const s of inLockOrder(settlements)) settleOne(tx, s);
      });
    },
    async release(delivery) {
      db.update(webhookDeliveries)
        .set({ leaseUntil: null })
        .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseUntil, delivery.leaseUntil)))
        .run();
    },
  };
}
