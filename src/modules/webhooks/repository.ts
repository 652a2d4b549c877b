import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { events, webhookDeliveries, webhooks } from '../../db/schema.js';
import type { AppendAudit, AuditEntry } from '../audit/repository.js';
import type { EventInput } from '../events/catalogue.js';
import { recordEvent } from '../events/outbox.js';

export interface WebhookRow {
  id: number;
  url: string;
  description: string;
  events: string[];
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: number | null;
  failureStreak: number;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryRow {
  id: number;
  webhookId: number;
  eventId: number;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastResponse: string | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  createdAt: number;
}

export interface WebhookValues {
  url: string;
  description: string;
  events: string[];
  secret: string;
}

/** A PATCH: `enabled: false` needs the reason recorded with it. */
export interface WebhookChanges {
  url?: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
  disabledReason?: string;
}

/** Why a delivery could not be queued or replayed: no such webhook (or delivery), or it is disabled. */
export type Queued = { kind: 'missing' } | { kind: 'disabled' } | { kind: 'queued'; delivery: DeliveryRow };

/** Who made an admin change, as the audit log records it. */
export type AuditFields = Pick<AuditEntry, 'actor' | 'action'>;

export interface WebhooksRepository {
  insert(values: WebhookValues, at: number, audit: AuditFields): Promise<WebhookRow>;
  findMany(q: { limit: number; afterId: number | null }): Promise<WebhookRow[]>;
  findById(id: number): Promise<WebhookRow | undefined>;
  update(id: number, changes: WebhookChanges, at: number, audit: AuditFields): Promise<WebhookRow | undefined>;
  delete(id: number, at: number, audit: AuditFields): Promise<boolean>;
  /** Newest first. */
  findDeliveries(webhookId: number, q: { limit: number; beforeId: number | null }): Promise<DeliveryRow[]>;
  /** Makes one of the webhook's deliveries pending and due at `at`. */
  retry(webhookId: number, deliveryId: number, at: number): Promise<Queued>;
  /** Records `event` for this webhook alone. */
  ping(webhookId: number, event: EventInput): Promise<Queued>;
}

export const STOPPED = 'given up: the webhook was disabled';

type WebhookRecord = typeof webhooks.$inferSelect;

export function toWebhookRow(row: WebhookRecord): WebhookRow {
  return { ...row, events: JSON.parse(row.events) as string[] };
}

/** The delivery's columns and its event's type, as both engines select them. */
export function deliveryColumns(d: typeof webhookDeliveries, e: { type: typeof events.type }) {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: e.type,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    lastResponse: d.lastResponse,
    lastAttemptAt: d.lastAttemptAt,
    nextAttemptAt: d.nextAttemptAt,
    createdAt: d.createdAt,
  };
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Disables a webhook and gives up its pending deliveries, in the caller's transaction. */
export function disableWebhook(tx: Tx, id: number, reason: string, at: number): void {
  tx.update(webhooks)
    .set({ enabled: false, disabledReason: reason, disabledAt: at, updatedAt: at })
    .where(eq(webhooks.id, id))
    .run();
  stopPending(tx, id);
}

/** Gives up a disabled webhook's pending deliveries: none is sent, the log says why. */
export function stopPending(tx: Tx, id: number): void {
  tx.update(webhookDeliveries)
    .set({
      status: 'failed',
      nextAttemptAt: null,
      lastError: sql`coalesce(${webhookDeliveries.lastError}, ${STOPPED})`,
    })
    .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'pending')))
    .run();
}

/** What an admin change writes beside the webhook, in its transaction; passed in by the store. */
export interface WebhookWriters {
  appendAudit: AppendAudit;
}

/** The audit entry's details: what was set or changed, never the secret. */
export function auditDetails(
  values: Partial<Pick<WebhookValues, 'url' | 'description' | 'events'>> & { enabled?: boolean },
) {
  const { url, events, description, enabled } = values;
  return Object.fromEntries(Object.entries({ url, events, description, enabled }).filter(([, v]) => v !== undefined));
}

export function createWebhooksRepository(db: Database, writers: WebhookWriters): WebhooksRepository {
  const findDelivery = (tx: Pick<Database, 'select'>, webhookId: number, id: number) =>
    tx
      .select(deliveryColumns(webhookDeliveries, events))
      .from(webhookDeliveries)
      .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.webhookId, webhookId)))
      .get();
  const enabledOf = (tx: Pick<Database, 'select'>, id: number) =>
    tx.select({ enabled: webhooks.enabled }).from(webhooks).where(eq(webhooks.id, id)).get()?.enabled;

  return {
    async insert(values, at, audit) {
      return db.transaction((tx) => {
        const row = tx
          .insert(webhooks)
          .values({ ...values, events: JSON.stringify(values.events), createdAt: at, updatedAt: at })
          .returning()
          .get();
        const subject = { subjectType: 'webhook', subjectId: String(row.id) };
        writers.appendAudit(tx, { ...audit, ...subject, at, details: auditDetails(values) });
        return toWebhookRow(row);
      });
    },
    async findMany({ limit, afterId }) {
      const rows = db
        .select()
        .from(webhooks)
        .where(afterId === null ? undefined : gt(webhooks.id, afterId))
        .orderBy(asc(webhooks.id))
        .limit(limit + 1)
        .all();
      return rows.map(toWebhookRow);
    },
    async findById(id) {
      const row = db.select().from(webhooks).where(eq(webhooks.id, id)).get();
      return row && toWebhookRow(row);
    },
    async update(id, changes, at, audit) {
      return db.transaction((tx) => {
        const current = tx.select().from(webhooks).where(eq(webhooks.id, id)).get();
        if (!current) return undefined;
        const { enabled, disabledReason, events: subscribed, ...plain } = changes;
        tx.update(webhooks)
          .set({ ...plain, ...(subscribed ? { events: JSON.stringify(subscribed) } : {}), updatedAt: at })
          .where(eq(webhooks.id, id))
          .run();
        if (enabled === false && current.enabled) disableWebhook(tx, id, disabledReason ?? 'disabled', at);
        if (enabled === true && !current.enabled) {
          tx.update(webhooks)
            .set({ enabled: true, disabledReason: null, disabledAt: null, failureStreak: 0 })
            .where(eq(webhooks.id, id))
            .run();
        }
        const subject = { subjectType: 'webhook', subjectId: String(id) };
        writers.appendAudit(tx, { ...audit, ...subject, at, details: auditDetails(changes) });
        const row = tx.select().from(webhooks).where(eq(webhooks.id, id)).get();
        return row && toWebhookRow(row);
      });
    },
    async delete(id, at, audit) {
      return db.transaction((tx) => {
        const deleted = tx.delete(webhooks).where(eq(webhooks.id, id)).run().changes > 0;
        if (deleted) writers.appendAudit(tx, { ...audit, subjectType: 'webhook', subjectId: String(id), at });
        return deleted;
      });
    },
    async findDeliveries(webhookId, { limit, beforeId }) {
      return db
        .select(deliveryColumns(webhookDeliveries, events))
        .from(webhookDeliveries)
        .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
        .where(
          and(
            eq(webhookDeliveries.webhookId, webhookId),
            beforeId === null ? undefined : lt(webhookDeliveries.id, beforeId),
          ),
        )
        .orderBy(desc(webhookDeliveries.id))
        .limit(limit + 1)
        .all();
    },
    async retry(webhookId, deliveryId, at) {
      return db.transaction((tx): Queued => {
        if (!findDelivery(tx, webhookId, deliveryId)) return { kind: 'missing' };
        if (!enabledOf(tx, webhookId)) return { kind: 'disabled' };
        tx.update(webhookDeliveries)
          .set({ status: 'pending', nextAttemptAt: at, leaseUntil: null })
          .where(eq(webhookDeliveries.id, deliveryId))
          .run();
        const delivery = findDelivery(tx, webhookId, deliveryId);
        return delivery ? { kind: 'queued', delivery } : { kind: 'missing' };
      });
    },
    async ping(webhookId, event) {
      return db.transaction((tx): Queued => {
        const enabled = enabledOf(tx, webhookId);
        if (enabled === undefined) return { kind: 'missing' };
        if (!enabled) return { kind: 'disabled' };
        const eventId = recordEvent(tx, event, { only: webhookId });
        const row = tx
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.webhookId, webhookId)))
          .get();
        const delivery = row && findDelivery(tx, webhookId, row.id);
        return delivery ? { kind: 'queued', delivery } : { kind: 'missing' };
      });
    },
  };
}
