/**
 * The whole Fjord schema. drizzle-kit turns it into the SQL in migrations/.
 *
 * Conventions that keep a second engine (PostgreSQL) a small step:
 * - timestamps are integer milliseconds since the epoch, so keyset cursors compare exactly;
 * - JSON is stored as text (key order kept) and parsed by the repositories;
 * - uniqueness lives on app-normalized columns (slugs, lower-cased e-mails), never on collations;
 * - every default is declared here, none is left to the engine.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at').notNull();
const updatedAt = () => integer('updated_at').notNull();

/**
 * One row per article. The content itself lives in `article_revisions`; the columns from `title`
 * to `ai_generated` are the read model of the *published* revision (null until first publication),
 * kept in step by the same transaction that publishes, so public reads never parse a snapshot.
 */
export const articles = sqliteTable(
  'articles',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    lang: text('lang').notNull(),
    /** draft | published | archived; "scheduled" is derived from a pending row in article_schedules. */
    status: text('status', { enum: ['draft', 'published', 'archived'] })
      .notNull()
      .default('draft'),
    headRevision: integer('head_revision').notNull().default(0),
    publishedRevision: integer('published_revision'),
    publishedAt: integer('published_at'),
    commentsOpen: integer('comments_open', { mode: 'boolean' }).notNull().default(true),
    /** Approved comments only; maintained by the comments repository in the moderating transaction. */
    commentCount: integer('comment_count').notNull().default(0),
    title: text('title'),
    standfirst: text('standfirst'),
    body: text('body'),
    bodyHtml: text('body_html'),
    heroImage: text('hero_image'),
    source: text('source'),
    aiGenerated: integer('ai_generated', { mode: 'boolean' }).notNull().default(false),
    /** When the public content last changed (a publication); drafts and settings move updated_at only. */
    publishedUpdatedAt: integer('published_updated_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('articles_slug_unique').on(t.slug),
    index('articles_public_order').on(t.status, t.publishedAt, t.id),
    index('articles_public_lang_order').on(t.status, t.lang, t.publishedAt, t.id),
    index('articles_updated_order').on(t.updatedAt, t.id),
  ],
);

/**
 * What readers are sent of each article, rendered once: its public JSON (`body`, with the `etag` and
 * surrogate `keys` a response carries) and its teaser, the item of a list page. Every article has a
 * row (a trigger adds it); triggers on the tables these documents show empty the row and bump
 * `version` in the transaction of the write, and a reader stores what it rendered only while
 * `version` is still the one it read, so a render of older state is never kept. `slug` is the
 * current public slug, set with the documents, so a reader's slug is one indexed fetch.
 */
export const articleDocuments = sqliteTable(
  'article_documents',
  {
    articleId: text('article_id')
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull().default(0),
    slug: text('slug'),
    /** First: a list reads the teaser only, and the body after it stays unread. */
    teaser: text('teaser'),
    etag: text('etag'),
    keys: text('keys'),
    body: text('body'),
  },
  (t) => [uniqueIndex('article_documents_slug').on(t.slug)],
);

/**
 * The slugs an article holds: every one readers were served under (they redirect, and are never
 * reused), and the working slugs still in use (its head's, a pending schedule's); a working slug
 * nothing uses any more is released for other articles (see modules/articles/slug-claims.ts).
 */
export const articleSlugs = sqliteTable(
  'article_slugs',
  {
    slug: text('slug').primaryKey(),
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    /** When the slug was first served as a published article's: only such a slug may redirect. Null for a draft's working slug. */
    publicAt: integer('public_at'),
    createdAt: createdAt(),
  },
  (t) => [index('article_slugs_article').on(t.articleId)],
);

/**
 * Immutable, numbered revisions. `snapshot` is the full content as JSON, tags and credits by value
 * (slug, name, organization...), so history stays readable after a tag or credit is renamed or deleted.
 */
export const articleRevisions = sqliteTable(
  'article_revisions',
  {
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    snapshot: text('snapshot').notNull(),
    /** JSON array of the snapshot fields that differ from the previous revision. */
    changedFields: text('changed_fields').notNull().default('[]'),
    message: text('message'),
    author: text('author').notNull(),
    authorTokenId: integer('author_token_id'),
    /** The head this revision was merged onto when posted against an older base. */
    mergedOnto: integer('merged_onto'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.number] })],
);

/** A revision to publish at a future time; applied lazily by the first read at or after `at`. */
export const articleSchedules = sqliteTable(
  'article_schedules',
  {
    articleId: text('article_id')
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    at: integer('at').notNull(),
    createdAt: createdAt(),
    /**
     * Set when applying the schedule failed: the row stays, so editors see why, but it is no longer
     * due and is never retried. A new schedule, a publication or an unpublish replaces or removes it.
     */
    failedAt: integer('failed_at'),
    failureReason: text('failure_reason'),
  },
  // Only pending rows are ever looked up by time, so failed ones stay out of the index.
  (t) => [index('article_schedules_pending').on(t.at).where(sql`${t.failedAt} is null`)],
);

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('tags_slug_unique').on(t.slug)],
);

/**
 * The published revision's tags. `published_at` is copied here so a tag page pages by keyset on
 * this table's own index instead of sorting every article of the tag.
 */
export const articleTags = sqliteTable(
  'article_tags',
  {
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    publishedAt: integer('published_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.tagId] }),
    index('article_tags_tag_order').on(t.tagId, t.publishedAt, t.articleId),
  ],
);

export const credits = sqliteTable('credits', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  organization: text('organization'),
  url: text('url'),
  license: text('license'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** The published revision's credits, with the role each plays (image, source, author...). */
export const articleCredits = sqliteTable(
  'article_credits',
  {
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    creditId: integer('credit_id')
      .notNull()
      .references(() => credits.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.creditId, t.role] }), index('article_credits_credit').on(t.creditId)],
);

export const comments = sqliteTable(
  'comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id'),
    depth: integer('depth').notNull().default(0),
    authorName: text('author_name').notNull(),
    /** Lower-cased; never published. Null once erased. */
    authorEmail: text('author_email'),
    /** Keyed hash (HMAC) of the IP address; the address itself is never stored. */
    ipHash: text('ip_hash'),
    /** SHA-256 of the author key the reader's client sent or was handed; with the e-mail, it makes an author known. Null once erased. */
    authorKeyHash: text('author_key_hash'),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'spam'] })
      .notNull()
      .default('pending'),
    /** JSON array of {rule, detail}: every rule that fired when the comment arrived. */
    spamReasons: text('spam_reasons').notNull().default('[]'),
    erasedAt: integer('erased_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('comments_article_status_order').on(t.articleId, t.status, t.createdAt, t.id),
    index('comments_status_order').on(t.status, t.createdAt, t.id),
    // The moderators' `status=all` queue, oldest first across every status.
    index('comments_created_order').on(t.createdAt, t.id),
    index('comments_email_time').on(t.authorEmail, t.createdAt),
    // The duplicate check (same article, e-mail and body) on every new comment: without it, once the
    // statistics say e-mails repeat more than articles do, it read every comment of the article.
    index('comments_article_email').on(t.articleId, t.authorEmail),
    index('comments_ip_time').on(t.ipHash, t.createdAt),
    index('comments_parent').on(t.parentId),
  ],
);

/**
 * A comment posted again while identical to a stored one (same article, e-mail and body): nothing
 * else is stored for it and its author is answered as for any comment, but the flood limits count
 * it, by its address and by the e-mail of the comment it repeats, on every node. It names that
 * comment rather than holding the e-mail, and is dropped once older than the flood window, or when
 * that comment is erased.
 */
export const commentDuplicates = sqliteTable(
  'comment_duplicates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    /** Keyed hash (HMAC) of the IP address the duplicate came from, as on comments. */
    ipHash: text('ip_hash').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [
    index('comment_duplicates_ip_time').on(t.ipHash, t.at),
    index('comment_duplicates_comment_time').on(t.commentId, t.at),
    index('comment_duplicates_time').on(t.at),
  ],
);

/** Append-only: who moved a comment from which status to which, when, and why. */
export const commentModerationLog = sqliteTable(
  'comment_moderation_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    actor: text('actor').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    at: integer('at').notNull(),
  },
  (t) => [index('comment_moderation_log_comment').on(t.commentId, t.id)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'editor', 'moderator'] }).notNull(),
    /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the secret, so people can tell tokens apart in a list. */
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_unique').on(t.tokenHash)],
);

/** Append-only log of editorial and administrative actions. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    articleId: text('article_id'),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    details: text('details').notNull().default('{}'),
  },
  (t) => [index('audit_log_article').on(t.articleId, t.id), index('audit_log_actor').on(t.actor, t.id)],
);

/** Responses remembered per Idempotency-Key, so a retried POST returns the first answer. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    headers: text('headers').notNull().default('{}'),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_age').on(t.createdAt)],
);

/**
 * One row per published article in the full-text index: its id is the rowid of `articles_fts`, the
 * FTS5 table created by the custom migration (drizzle-kit cannot model virtual tables). An integer
 * key of our own, because the implicit rowid of `articles` may change on VACUUM.
 */
export const searchDocuments = sqliteTable('search_documents', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  articleId: text('article_id')
    .notNull()
    .unique()
    .references(() => articles.id, { onDelete: 'cascade' }),
});

/**
 * The transactional outbox and the public change feed, in one append-only table: every write that
 * others may react to appends its event in the transaction that makes the change, so an event
 * exists if and only if its change committed. `id` is the event's sequence: it grows in commit
 * order on both engines (PostgreSQL takes a transaction lock before drawing it).
 */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** `article.published`, `comment.approved`, `tag.deleted`, `webhook.ping`... */
    type: text('type').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    slug: text('slug'),
    /** The event's entry in the public change feed; null for events the feed does not show. */
    feed: text('feed', { enum: ['upsert', 'delete'] }),
    /** JSON: what receivers are told, under the public API's privacy rules. */
    data: text('data').notNull().default('{}'),
    /** JSON array of the surrogate keys the change touches. */
    surrogateKeys: text('surrogate_keys').notNull().default('[]'),
    occurredAt: integer('occurred_at').notNull(),
  },
  (t) => [index('events_feed').on(t.feed, t.id)],
);

/** Where events are sent: each receiver signs nothing of ours, it verifies with the secret. */
export const webhooks = sqliteTable('webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  /** JSON array of event types, `<entity>.*` or `*`. */
  events: text('events').notNull(),
  /** `whsec_<base64>`: needed in the clear to sign; shown once, never answered again. */
  secret: text('secret').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  disabledReason: text('disabled_reason'),
  disabledAt: integer('disabled_at'),
  /** Failed attempts since the last success: past the threshold, the webhook is disabled. */
  failureStreak: integer('failure_streak').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * One event to one webhook: written with the event when the webhook was enabled and wanted it, then
 * claimed (`lease_until`) by one process for each attempt, so of several nodes exactly one sends it.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due; null once the delivery succeeded or was given up. */
    nextAttemptAt: integer('next_attempt_at'),
    /** Until when the process that claimed it is attempting it; past that, another may. */
    leaseUntil: integer('lease_until'),
    lastAttemptAt: integer('last_attempt_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    /** The first characters of the last response body. */
    lastResponse: text('last_response'),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_webhook').on(t.webhookId, t.id),
    index('webhook_deliveries_event').on(t.eventId),
  ],
);

/** A link that shows an unpublished revision as it would be published; the token is kept as its hash. */
export const previewLinks = sqliteTable(
  'preview_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    /** The revision shown; null follows the article's latest revision. */
    revision: integer('revision'),
    /** SHA-256 of the token, hex. */
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('preview_links_token_unique').on(t.tokenHash),
    index('preview_links_article').on(t.articleId, t.id),
  ],
);
