import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import { type EventInput, PING } from '../events/catalogue.js';
import type { DeliveryRow, Queued, WebhookRow, WebhooksRepository } from './repository.js';
import type {
  CreatedWebhook,
  CreateWebhookBody,
  Delivery,
  DeliveryPage,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  UpdateWebhookBody,
  Webhook,
  WebhookPage,
} from './schemas.js';
import { newSecret } from './signing.js';
import { assertPublicTarget, RefusedTarget, type Resolver, systemResolver } from './target.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What the resolver answers for a name that will never resolve (as opposed to a resolver that failed). */
const NO_SUCH_HOST = new Set(['ENOTFOUND', 'ENODATA', 'EINVAL']);

export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    disabled_at: iso(row.disabledAt),
    consecutive_failures: row.failureStreak,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempts: row.attempts,
    last_status: row.lastStatus,
    last_error: row.lastError,
    last_response: row.lastResponse,
    last_attempt_at: iso(row.lastAttemptAt),
    next_attempt_at: iso(row.nextAttemptAt),
    created_at: new Date(row.createdAt).toISOString(),
  };
}

/** How long registration waits on DNS; past it, a 503: the target is not known to be bad, so the admin may retry. */
const RESOLVE_BUDGET_MS = 5_000;

export function createWebhooksService({
  repo,
  clock,
  allowPrivate,
  resolve = systemResolver,
}: {
  repo: WebhooksRepository;
  clock: Clock;
  /** WEBHOOKS_ALLOW_PRIVATE: targets on loopback and private networks are accepted. */
  allowPrivate: boolean;
  resolve?: Resolver;
}) {
  /** Told when a delivery is due now (a ping, a replay), so this process's worker sends it at once. */
  const listeners = new Set<() => void>();

  /** Refuses a target no webhook may reach; with allowPrivate, any http(s) URL the schema passed. */
  async function checkTarget(url: string): Promise<void> {
    if (allowPrivate) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UnavailableError('The webhook host could not be resolved in time', 5)),
        RESOLVE_BUDGET_MS,
      );
    });
    try {
      await Promise.race([assertPublicTarget(new URL(url), resolve), late]);
    } catch (err) {
      const message =
        err instanceof RefusedTarget
          ? err.message
          : NO_SUCH_HOST.has((err as NodeJS.ErrnoException).code ?? '')
            ? `${new URL(url).hostname} does not resolve`
            : null;
      if (message === null)
        throw err instanceof UnavailableError ? err : new UnavailableError('The webhook host could not be resolved', 5);
      throw new ValidationError('Invalid body: url', [{ in: 'body', path: 'url', message }]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function get(id: number): Promise<WebhookRow> {
    const row = await repo.findById(id);
    if (!row) throw new NotFoundError(`No webhook with id ${id}`);
    return row;
  }

  function queued(result: Queued, what: string): Delivery {
    if (result.kind === 'missing') throw new NotFoundError(what);
    if (result.kind === 'disabled') {
      throw new ConflictError('The webhook is disabled: enable it (PATCH {"enabled": true}) first');
    }
    for (const listener of listeners) listener();
    return toDelivery(result.delivery);
  }

  return {
    whenQueued(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async create(body: CreateWebhookBody, actor: Actor): Promise<CreatedWebhook> {
      await checkTarget(body.url);
      const secret = newSecret();
      const row = await repo.insert(
        { url: body.url, events: body.events, description: body.description ?? '', secret },
        clock.now(),
        { actor: actor.name, action: 'webhook.create' },
      );
      return { ...toWebhook(row), secret };
    },

    async list(query: ListWebhooksQuery): Promise<WebhookPage> {
      const afterId = query.cursor ? decodeCursor(query.cursor, ['id'] as const)[0] : null;
      const rows = await repo.findMany({ limit: query.limit, afterId });
      return toPage(rows, query.limit, toWebhook, (last) => [last.id]);
    },

    async get(id: number): Promise<Webhook> {
      return toWebhook(await get(id));
    },

    async update(id: number, body: UpdateWebhookBody, actor: Actor): Promise<Webhook> {
      await get(id);
      if (body.url !== undefined) await checkTarget(body.url);
      const row = await repo.update(
        id,
        { ...body, ...(body.enabled === false ? { disabledReason: `disabled by ${actor.name}` } : {}) },
        clock.now(),
        { actor: actor.name, action: 'webhook.update' },
      );
      if (!row) throw new NotFoundError(`No webhook with id ${id}`);
      return toWebhook(row);
    },

    async remove(id: number, actor: Actor): Promise<void> {
      const deleted = await repo.delete(id, clock.now(), { actor: actor.name, action: 'webhook.delete' });
      if (!deleted) throw new NotFoundError(`No webhook with id ${id}`);
    },

    async deliveries(id: number, query: ListDeliveriesQuery): Promise<DeliveryPage> {
      await get(id);
      const beforeId = query.cursor ? decodeCursor(query.cursor, ['id'] as const)[0] : null;
      const rows = await repo.findDeliveries(id, { limit: query.limit, beforeId });
      return toPage(rows, query.limit, toDelivery, (last) => [last.id]);
    },

    /** Sends the delivery again now, whatever became of it; its retry window still runs from its event. */
    async retry(id: number, deliveryId: number): Promise<Delivery> {
      return queued(await repo.retry(id, deliveryId, clock.now()), `No delivery ${deliveryId} of webhook ${id}`);
    },

    /** A `webhook.ping` event for this webhook alone. */
    async ping(id: number): Promise<Delivery> {
      const at = clock.now();
      const event: EventInput = {
        type: PING,
        entity: 'webhook',
        entityId: String(id),
        slug: null,
        data: { webhook_id: id },
        surrogateKeys: [],
        at,
      };
      return queued(await repo.ping(id, event), `No webhook with id ${id}`);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
