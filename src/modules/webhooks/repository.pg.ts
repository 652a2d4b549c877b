import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import type { PgDatabase, PgExecutor } from '../../db/pg/client.js';
import { events, webhookDeliveries, webhooks } from '../../db/pg/schema.js';
import { withLockingTransaction, withTransaction } from '../../db/pg/tx.js';
import type { appendAudit } from '../audit/repository.pg.js';
import { recordEvent } from '../events/outbox.pg.js';
import { disablePgWebhook } from './queue.pg.js';
import { auditDetails, type DeliveryRow, type Queued, type WebhookRow, type WebhooksRepository } from './repository.js';

type WebhookRecord = typeof webhooks.$inferSelect;

const toWebhookRow = (row: WebhookRecord): WebhookRow => ({ ...row, events: JSON.parse(row.events) as string[] });

const deliveryColumns = {
  id: webhookDeliveries.id,
  webhookId: webhookDeliveries.webhookId,
  eventId: webhookDeliveries.eventId,
  eventType: events.type,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastStatus: webhookDeliveries.lastStatus,
  lastError: webhookDeliveries.lastError,
  lastResponse: webhookDeliveries.lastResponse,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  createdAt: webhookDeliveries.createdAt,
};

async function findDelivery(tx: PgExecutor, webhookId: number, id: number): Promise<DeliveryRow | undefined> {
  const [row] = await tx
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.webhookId, webhookId)))
    .limit(1);
  return row;
}

/** The webhook's row, locked until the transaction ends: a PATCH, a retry and a ping on it take turns. */
async function lockWebhook(tx: PgExecutor, id: number): Promise<WebhookRecord | undefined> {
  const [row] = await tx.select().from(webhooks).where(eq(webhooks.id, id)).for('update');
  return row;
}

/** What an admin change writes beside the webhook, in its transaction; passed in by the store. */
export interface PgWebhookWriters {
  appendAudit: typeof appendAudit;
}

export function createPgWebhooksRepository(db: PgDatabase, writers: PgWebhookWriters): WebhooksRepository {
  return {
    async insert(values, at, audit) {
      return withTransaction(db, async (tx) => {
        const [row] = await tx
          .insert(webhooks)
          .values({ ...values, events: JSON.stringify(values.events), createdAt: at, updatedAt: at })
          .returning();
        if (!row) throw new Error('the webhook insert returned no row');
        const subject = { subjectType: 'webhook', subjectId: String(row.id) };
        await writers.appendAudit(tx, { ...audit, ...subject, at, details: auditDetails(values) });
        return toWebhookRow(row);
      });
    },
    async findMany({ limit, afterId }) {
      const rows = await db
        .select()
        .from(webhooks)
        .where(afterId === null ? undefined : gt(webhooks.id, afterId))
        .orderBy(asc(webhooks.id))
        .limit(limit + 1);
      return rows.map(toWebhookRow);
    },
    async findById(id) {
      const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id)).limit(1);
      return row && toWebhookRow(row);
    },
    async update(id, changes, at, audit) {
      return withLockingTransaction(db, async (tx) => {
        const current = await lockWebhook(tx, id);
        if (!current) return undefined;
        const { enabled, disabledReason, events: subscribed, ...plain } = changes;
        await tx
          .update(webhooks)
          .set({ ...plain, ...(subscribed ? { events: JSON.stringify(subscribed) } : {}), updatedAt: at })
          .where(eq(webhooks.id, id));
        if (enabled === false && current.enabled) await disablePgWebhook(tx, id, disabledReason ?? 'disabled', at);
        if (enabled === true && !current.enabled) {
          await tx
            .update(webhooks)
            .set({ enabled: true, disabledReason: null, disabledAt: null, failureStreak: 0 })
            .where(eq(webhooks.id, id));
        }
        const subject = { subjectType: 'webhook', subjectId: String(id) };
        await writers.appendAudit(tx, { ...audit, ...subject, at, details: auditDetails(changes) });
        const [row] = await tx.select().from(webhooks).where(eq(webhooks.id, id));
        return row && toWebhookRow(row);
      });
    },
    async delete(id, at, audit) {
      return withTransaction(db, async (tx) => {
        const deleted = await tx.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
        if (deleted.length === 0) return false;
        await writers.appendAudit(tx, { ...audit, subjectType: 'webhook', subjectId: String(id), at });
        return true;
      });
    },
    async findDeliveries(webhookId, { limit, beforeId }) {
      const rows = await db
        .select(deliveryColumns)
        .from(webhookDeliveries)
        .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
        .where(
          and(
            eq(webhookDeliveries.webhookId, webhookId),
            beforeId === null ? undefined : lt(webhookDeliveries.id, beforeId),
          ),
        )
        .orderBy(desc(webhookDeliveries.id))
        .limit(limit + 1);
      return rows;
    },
    async retry(webhookId, deliveryId, at) {
      return withLockingTransaction(db, async (tx): Promise<Queued> => {
        const webhook = await lockWebhook(tx, webhookId);
        if (!webhook || !(await findDelivery(tx, webhookId, deliveryId))) return { kind: 'missing' };
        if (!webhook.enabled) return { kind: 'disabled' };
        await tx
          .update(webhookDeliveries)
          .set({ status: 'pending', nextAttemptAt: at, leaseUntil: null })
          .where(eq(webhookDeliveries.id, deliveryId));
        const delivery = await findDelivery(tx, webhookId, deliveryId);
        return delivery ? { kind: 'queued', delivery } : { kind: 'missing' };
      });
    },
    async ping(webhookId, event) {
      // READ COMMITTED, as every event writer: the outbox lock orders the events, not a snapshot.
      const eventId = await withLockingTransaction(db, async (tx): Promise<Queued | number> => {
        const webhook = await lockWebhook(tx, webhookId);
        if (!webhook) return { kind: 'missing' };
        if (!webhook.enabled) return { kind: 'disabled' };
        return recordEvent(tx, event, { only: webhookId });
      });
      if (typeof eventId !== 'number') return eventId;
      const [row] = await db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.webhookId, webhookId)));
      const delivery = row && (await findDelivery(db, webhookId, row.id));
      return delivery ? { kind: 'queued', delivery } : { kind: 'missing' };
    },
  };
}
