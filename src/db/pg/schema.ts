/**
 * The Fjord schema on PostgreSQL: the same tables, columns and indexes as src/db/schema.ts, which
 * drizzle-kit turns into migrations-pg/. The parity check in ./parity.ts keeps the two in step.
 *
 * What differs, and why:
 * - millisecond timestamps are `bigint` read as numbers: 2^53 ms is far beyond any date we store;
 * - text is `COLLATE "C"`: keyset cursors compare by code point, as SQLite's BINARY does, whatever
 *   the database's locale (en_US ignores hyphens, ICU puts `Zeta` after lower case);
 * - integer ids are identity columns; they are not in commit order, so no reader relies on that,
 *   except `events.id`, drawn under a transaction lock (see src/modules/events/outbox.pg.ts);
 * - booleans are booleans;
 * - `search_documents.document` is the weighted tsvector that FTS5's table holds on SQLite.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';

/** Text compared byte by byte, so ordering and equality never depend on the server's locale. */
const text = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});

/** A text column limited to `values`, as sqlite-core's `text(name, { enum })` types it. */
function enumText<const T extends readonly [string, ...string[]]>(name: string, _values: T) {
  return customType<{ data: T[number]; driverData: string }>({ dataType: () => 'text COLLATE "C"' })(name);
}

const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' });

const ms = (name: string) => bigint(name, { mode: 'number' });
const createdAt = () => ms('created_at').notNull();
const updatedAt = () => ms('updated_at').notNull();
const id = (name = 'id') => integer(name).primaryKey().generatedByDefaultAsIdentity();

export const articles = pgTable(
  'articles',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    lang: text('lang').notNull(),
    status: enumText('status', ['draft', 'published', 'archived'] as const)
      .notNull()
      .default('draft'),
    headRevision: integer('head_revision').notNull().default(0),
    publishedRevision: integer('published_revision'),
    publishedAt: ms('published_at'),
    commentsOpen: boolean('comments_open').notNull().default(true),
    commentCount: integer('comment_count').notNull().default(0),
    title: text('title'),
    standfirst: text('standfirst'),
    body: text('body'),
    bodyHtml: text('body_html'),
    heroImage: text('hero_image'),
    source: text('source'),
    aiGenerated: boolean('ai_generated').notNull().default(false),
    publishedUpdatedAt: ms('published_updated_at'),
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

/** src/db/schema.ts's article_documents: readers' rendered documents, emptied by triggers on each write they show. */
export const articleDocuments = pgTable(
  'article_documents',
  {
    articleId: text('article_id')
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull().default(0),
    slug: text('slug'),
    teaser: text('teaser'),
    etag: text('etag'),
    keys: text('keys'),
    body: text('body'),
  },
  (t) => [uniqueIndex('article_documents_slug').on(t.slug)],
);

export const articleSlugs = pgTable(
  'article_slugs',
  {
    slug: text('slug').primaryKey(),
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    publicAt: ms('public_at'),
    createdAt: createdAt(),
  },
  (t) => [index('article_slugs_article').on(t.articleId)],
);

export const articleRevisions = pgTable(
  'article_revisions',
  {
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    snapshot: text('snapshot').notNull(),
    changedFields: text('changed_fields').notNull().default('[]'),
    message: text('message'),
    author: text('author').notNull(),
    authorTokenId: integer('author_token_id'),
    mergedOnto: integer('merged_onto'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.number] })],
);

export const articleSchedules = pgTable(
  'article_schedules',
  {
    articleId: text('article_id')
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    at: ms('at').notNull(),
    createdAt: createdAt(),
    failedAt: ms('failed_at'),
    failureReason: text('failure_reason'),
  },
  (t) => [index('article_schedules_pending').on(t.at).where(sql`${t.failedAt} is null`)],
);

export const tags = pgTable(
  'tags',
  {
    id: id(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('tags_slug_unique').on(t.slug)],
);

export const articleTags = pgTable(
  'article_tags',
  {
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    publishedAt: ms('published_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.tagId] }),
    index('article_tags_tag_order').on(t.tagId, t.publishedAt, t.articleId),
  ],
);

export const credits = pgTable('credits', {
  id: id(),
  name: text('name').notNull(),
  organization: text('organization'),
  url: text('url'),
  license: text('license'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const articleCredits = pgTable(
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

export const comments = pgTable(
  'comments',
  {
    id: id(),
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id'),
    depth: integer('depth').notNull().default(0),
    authorName: text('author_name').notNull(),
    authorEmail: text('author_email'),
    ipHash: text('ip_hash'),
    authorKeyHash: text('author_key_hash'),
    body: text('body').notNull(),
    status: enumText('status', ['pending', 'approved', 'rejected', 'spam'] as const)
      .notNull()
      .default('pending'),
    spamReasons: text('spam_reasons').notNull().default('[]'),
    erasedAt: ms('erased_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('comments_article_status_order').on(t.articleId, t.status, t.createdAt, t.id),
    index('comments_status_order').on(t.status, t.createdAt, t.id),
    index('comments_created_order').on(t.createdAt, t.id),
    index('comments_email_time').on(t.authorEmail, t.createdAt),
    // The duplicate check (same article, e-mail and body) on every new comment: without it, once the
    // statistics say e-mails repeat more than articles do, it read every comment of the article.
    index('comments_article_email').on(t.articleId, t.authorEmail),
    index('comments_ip_time').on(t.ipHash, t.createdAt),
    index('comments_parent').on(t.parentId),
  ],
);

/** Duplicates of stored comments, counted by the flood limits: see src/db/schema.ts. */
export const commentDuplicates = pgTable(
  'comment_duplicates',
  {
    id: id(),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    ipHash: text('ip_hash').notNull(),
    at: ms('at').notNull(),
  },
  (t) => [
    index('comment_duplicates_ip_time').on(t.ipHash, t.at),
    index('comment_duplicates_comment_time').on(t.commentId, t.at),
    index('comment_duplicates_time').on(t.at),
  ],
);

export const commentModerationLog = pgTable(
  'comment_moderation_log',
  {
    id: id(),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    actor: text('actor').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    at: ms('at').notNull(),
  },
  (t) => [index('comment_moderation_log_comment').on(t.commentId, t.id)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    name: text('name').notNull(),
    role: enumText('role', ['admin', 'editor', 'moderator'] as const).notNull(),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: ms('last_used_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_unique').on(t.tokenHash)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    at: ms('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    articleId: text('article_id'),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    details: text('details').notNull().default('{}'),
  },
  (t) => [index('audit_log_article').on(t.articleId, t.id), index('audit_log_actor').on(t.actor, t.id)],
);

export const idempotencyKeys = pgTable(
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
 * One row per published article in the full-text index. `document` is the weighted tsvector of its
 * folded text (title A, tags B, standfirst C, body D); `title` to `tags` keep the text that
 * snippets are cut from, as FTS5's table does on SQLite.
 */
export const searchDocuments = pgTable(
  'search_documents',
  {
    id: id(),
    articleId: text('article_id')
      .notNull()
      .unique()
      .references(() => articles.id, { onDelete: 'cascade' }),
    title: text('title').notNull().default(''),
    standfirst: text('standfirst').notNull().default(''),
    body: text('body').notNull().default(''),
    tags: text('tags').notNull().default(''),
    document: tsvector('document').notNull(),
  },
  (t) => [index('search_documents_document').using('gin', t.document)],
);

/** Rate-limit counters shared by every node when no Redis is configured: one row per key and window. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  resetAt: ms('reset_at').notNull(),
});

/** The outbox and change feed; `id` is drawn under a transaction-scoped advisory lock, so it grows in commit order. */
export const events = pgTable(
  'events',
  {
    id: id(),
    type: text('type').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    slug: text('slug'),
    feed: enumText('feed', ['upsert', 'delete'] as const),
    data: text('data').notNull().default('{}'),
    surrogateKeys: text('surrogate_keys').notNull().default('[]'),
    occurredAt: ms('occurred_at').notNull(),
  },
  (t) => [index('events_feed').on(t.feed, t.id)],
);

export const webhooks = pgTable('webhooks', {
  id: id(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  events: text('events').notNull(),
  secret: text('secret').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  disabledReason: text('disabled_reason'),
  disabledAt: ms('disabled_at'),
  failureStreak: integer('failure_streak').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    status: enumText('status', ['pending', 'succeeded', 'failed'] as const)
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ms('next_attempt_at'),
    leaseUntil: ms('lease_until'),
    lastAttemptAt: ms('last_attempt_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lastResponse: text('last_response'),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_webhook').on(t.webhookId, t.id),
    index('webhook_deliveries_event').on(t.eventId),
  ],
);

export const previewLinks = pgTable(
  'preview_links',
  {
    id: id(),
    articleId: text('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    revision: integer('revision'),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    expiresAt: ms('expires_at').notNull(),
    revokedAt: ms('revoked_at'),
  },
  (t) => [
    uniqueIndex('preview_links_token_unique').on(t.tokenHash),
    index('preview_links_article').on(t.articleId, t.id),
  ],
);
