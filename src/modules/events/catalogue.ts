/**
 * The events Fjord announces: what each one is called, which public change-feed entry it makes,
 * and how a webhook's subscription (`article.published`, `article.*`, `*`) selects it.
 */
import { publicationKeys, SurrogateKeys } from '../../shared/changes.js';

export const EVENT_TYPES = [
  'article.published',
  'article.updated',
  'article.unpublished',
  'article.archived',
  'article.scheduled',
  'comment.created',
  'comment.approved',
  'comment.rejected',
  'comment.spam',
  'comment.pending',
  'comment.erased',
  'tag.created',
  'tag.updated',
  'tag.deleted',
  'tag.published',
  'tag.unpublished',
  'credit.created',
  'credit.updated',
  'credit.deleted',
  'credit.published',
  'credit.unpublished',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Sent by `POST /v1/webhooks/{id}/test` to that webhook alone, whatever it subscribes to. */
export const PING = 'webhook.ping';

export type Entity = 'article' | 'comment' | 'tag' | 'credit' | 'webhook';

/** What a webhook may subscribe to: an event type, every event of one entity, or everything. */
export const SUBSCRIPTIONS = ['*', 'article.*', 'comment.*', 'tag.*', 'credit.*', ...EVENT_TYPES] as const;

export type Subscription = (typeof SUBSCRIPTIONS)[number];

/** The subscriptions that select an event of this type, as the outbox matches them in SQL. */
export function subscribersOf(type: string): string[] {
  const entity = type.slice(0, type.indexOf('.'));
  return ['*', `${entity}.*`, type];
}

export type FeedEntry = 'upsert' | 'delete';

/**
 * The change-feed entry an event makes: public content appearing or changing, or leaving. A tag or
 * credit is public only while a published article carries it, so it enters and leaves the feed
 * with `*.published` and `*.unpublished`; its creation and deletion (never while public) make no
 * entry, and an update makes one only while it is public (the event's `feed` says so).
 */
export function feedEntryOf(type: string): FeedEntry | null {
  switch (type) {
    case 'article.published':
    case 'article.updated':
    case 'tag.published':
    case 'credit.published':
      return 'upsert';
    case 'article.unpublished':
    case 'article.archived':
    case 'tag.unpublished':
    case 'credit.unpublished':
      return 'delete';
    default:
      return null;
  }
}

/** What an event appends to the outbox; repositories build it with the helpers below. */
export interface EventInput {
  type: EventType | typeof PING;
  entity: Entity;
  entityId: string;
  slug: string | null;
  /** What receivers are told: ids and public fields only, never an e-mail, an address hash, a reason or a note. */
  data: Record<string, unknown>;
  surrogateKeys: readonly string[];
  at: number;
  /** The feed entry when it depends on more than the type (an update of a public tag); else feedEntryOf(type). */
  feed?: FeedEntry | null;
}

/** The entry an event makes in the change feed: its own `feed` when it has one, else its type's. */
export function feedEntryOfEvent(e: Pick<EventInput, 'type' | 'feed'>): FeedEntry | null {
  return e.feed !== undefined ? e.feed : feedEntryOf(e.type);
}

/** An article event: data names the article and, when one is public or due, its revision. */
export function articleEvent(
  type: Extract<EventType, `article.${string}`>,
  a: { id: string; slug: string; title?: string | null; revision?: number | null; publishAt?: number | null },
  at: number,
): EventInput {
  const data: Record<string, unknown> = { id: a.id, slug: a.slug };
  if (a.title !== undefined) data.title = a.title;
  if (a.revision !== undefined) data.revision = a.revision;
  if (a.publishAt !== undefined && a.publishAt !== null) data.publish_at = new Date(a.publishAt).toISOString();
  return { type, entity: 'article', entityId: a.id, slug: a.slug, data, surrogateKeys: publicationKeys(a.id), at };
}

/** A comment event: ids and the new status only; a receiver fetches the rest with its own token. */
export function commentEvent(
  type: Extract<EventType, `comment.${string}`>,
  c: { id: number; articleId: string; status?: string },
  at: number,
): EventInput {
  const data: Record<string, unknown> = { id: c.id, article_id: c.articleId };
  if (c.status !== undefined) data.status = c.status;
  return {
    type,
    entity: 'comment',
    entityId: String(c.id),
    slug: null,
    data,
    surrogateKeys: [SurrogateKeys.comments(c.articleId), SurrogateKeys.article(c.articleId), SurrogateKeys.articles],
    at,
  };
}

export function tagEvent(
  type: Extract<EventType, `tag.${string}`>,
  t: { id: number; slug: string; name?: string; previousSlug?: string },
  at: number,
): EventInput {
  const data: Record<string, unknown> = { id: t.id, slug: t.slug };
  if (t.name !== undefined) data.name = t.name;
  const keys = [SurrogateKeys.tags, SurrogateKeys.tag(t.slug), SurrogateKeys.articles];
  // A new slug: what was cached under the old one (its page, every article showing it) is stale too.
  if (t.previousSlug !== undefined && t.previousSlug !== t.slug) {
    data.previous_slug = t.previousSlug;
    keys.push(SurrogateKeys.tag(t.previousSlug));
  }
  return {
    type,
    entity: 'tag',
    entityId: String(t.id),
    slug: t.slug,
    data,
    surrogateKeys: keys,
    at,
  };
}

export function creditEvent(
  type: Extract<EventType, `credit.${string}`>,
  c: { id: number; name?: string },
  at: number,
): EventInput {
  const data: Record<string, unknown> = { id: c.id };
  if (c.name !== undefined) data.name = c.name;
  return {
    type,
    entity: 'credit',
    entityId: String(c.id),
    slug: null,
    data,
    surrogateKeys: [SurrogateKeys.credits, SurrogateKeys.credit(c.id), SurrogateKeys.articles],
    at,
  };
}
