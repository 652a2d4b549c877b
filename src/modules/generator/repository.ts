import { count, eq, inArray, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../db/client.js';
import {
  articleCredits,
  articleRevisions,
  articleSlugs,
  articles,
  articleTags,
  commentModerationLog,
  comments,
  credits,
  tags,
} from '../../db/schema.js';
import type { ArticleContent } from '../articles/schemas.js';
import { creditEvent, tagEvent } from '../events/catalogue.js';
import type { recordEvent as RecordEvent } from '../events/outbox.js';
import type { indexDocument as IndexDocument } from '../search/repository.js';
import type { GeneratedComment } from './comments.js';
import type { GeneratedArticle } from './content.js';
import { approvedCount, articleRows, commentRow, moderationRow } from './rows.js';

export interface GeneratedEntry {
  article: GeneratedArticle;
  comments: GeneratedComment[];
}
export type Credit = Omit<ArticleContent['credits'][number], 'credit_id' | 'role'>;

/** A credit as stored, with its id. */
export interface SavedCredit extends Credit {
  id: number;
}

/** The bulk writes of the generator, one implementation per engine. */
export interface GeneratorRepository {
  countArticles(): Promise<number>;
  /** Settings for a fast load, if the engine has any; finishBulkLoad puts the server's back. */
  startBulkLoad(): Promise<void>;
  finishBulkLoad(): Promise<void>;
  /** Adds the tags and credits the generated content links to; returns them with their ids. */
  saveCatalogue(
    tagList: { slug: string; name: string }[],
    creditList: Credit[],
    at: number,
  ): Promise<{ tags: { slug: string; name: string }[]; credits: SavedCredit[] }>;
  /** One batch of articles with their revisions, links, search entries and comments, in one transaction. */
  insertBatch(batch: GeneratedEntry[]): Promise<void>;
}

const p = (name: string) => sql.placeholder(name);

/**
 * Bulk writes for the data generator. The same tables and the same search indexing as the
 * editorial path, but through prepared statements in large transactions: one row at a time
 * through the services would take an hour for a million comments.
 */
/** `indexDocument` is the search module's, passed in so this repository imports no other module's. */
export function createGeneratorRepository(
  { db, sqlite }: DatabaseHandle,
  { indexDocument, recordEvent }: { indexDocument: typeof IndexDocument; recordEvent: typeof RecordEvent },
): GeneratorRepository {
  const insertArticle = db
    .insert(articles)
    .values({
      id: p('id'),
      slug: p('slug'),
      lang: p('lang'),
      status: p('status'),
      headRevision: p('headRevision'),
      publishedRevision: p('publishedRevision'),
      publishedAt: p('publishedAt'),
      commentsOpen: p('commentsOpen'),
      commentCount: p('commentCount'),
      title: p('title'),
      standfirst: p('standfirst'),
      body: p('body'),
      bodyHtml: p('bodyHtml'),
      heroImage: p('heroImage'),
      source: p('source'),
      aiGenerated: p('aiGenerated'),
      createdAt: p('createdAt'),
      updatedAt: p('updatedAt'),
    })
    .prepare();
  const insertSlug = db
    .insert(articleSlugs)
    .values({ slug: p('slug'), articleId: p('articleId'), publicAt: p('publicAt'), createdAt: p('createdAt') })
    .prepare();
  const insertRevision = db
    .insert(articleRevisions)
    .values({
      articleId: p('articleId'),
      number: p('number'),
      snapshot: p('snapshot'),
      changedFields: p('changedFields'),
      message: p('message'),
      author: p('author'),
      createdAt: p('createdAt'),
    })
    .prepare();
  const insertTag = db
    .insert(articleTags)
    .values({ articleId: p('articleId'), tagId: p('tagId'), position: p('position'), publishedAt: p('publishedAt') })
    .prepare();
  const insertCredit = db
    .insert(articleCredits)
    .values({ articleId: p('articleId'), creditId: p('creditId'), role: p('role'), position: p('position') })
    .prepare();
  const insertComment = db
    .insert(comments)
    .values({
      articleId: p('articleId'),
      parentId: p('parentId'),
      depth: p('depth'),
      authorName: p('authorName'),
      authorEmail: p('authorEmail'),
      ipHash: p('ipHash'),
      body: p('body'),
      status: p('status'),
      spamReasons: p('spamReasons'),
      createdAt: p('createdAt'),
      updatedAt: p('updatedAt'),
    })
    .prepare();
  const insertLog = db
    .insert(commentModerationLog)
    .values({
      commentId: p('commentId'),
      actor: p('actor'),
      fromStatus: p('fromStatus'),
      toStatus: p('toStatus'),
      at: p('at'),
    })
    .prepare();

  let tagIds = new Map<string, number>();

  function writeArticle(a: GeneratedArticle, commentCount: number) {
    const rows = articleRows(a, commentCount, tagIds);
    insertArticle.run({
      ...rows.article,
      // Placeholders bypass Drizzle's boolean mapping: the driver binds integers.
      commentsOpen: rows.article.commentsOpen ? 1 : 0,
      aiGenerated: rows.article.aiGenerated ? 1 : 0,
    });
    insertSlug.run(rows.slug);
    for (const revision of rows.revisions) insertRevision.run(revision);
    for (const tag of rows.tags) insertTag.run(tag);
    for (const credit of rows.credits) insertCredit.run(credit);
    if (rows.search) indexDocument(db, a.id, rows.search);
  }

  /**
   * The batch's published articles announced as published, in one INSERT...SELECT, so the change
   * feed of a generated site is complete. Webhooks are not called for generated content: the
   * generator fills a new site, before anyone subscribes.
   */
  /**
   * The batch's published articles announced as published, after the tags and credits they made
   * public: those no article outside the batch carries (see the events module's catalogue).
   */
  function announcePublished(ids: string[]) {
    const batch = sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
    db.run(sql`
      INSERT INTO events (type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at)
      SELECT 'tag.published', 'tag', CAST(t.id AS TEXT), t.slug, 'upsert',
        json_object('id', t.id, 'slug', t.slug, 'name', t.name),
        json_array('tags', 'tag:' || t.slug, 'articles'),
        (SELECT min(l.published_at) FROM article_tags l WHERE l.tag_id = t.id)
      FROM tags t
      WHERE EXISTS (SELECT 1 FROM article_tags l WHERE l.tag_id = t.id AND l.article_id IN ${batch})
        AND NOT EXISTS (SELECT 1 FROM article_tags l WHERE l.tag_id = t.id AND l.article_id NOT IN ${batch})
      ORDER BY t.id`);
    db.run(sql`
      INSERT INTO events (type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at)
      SELECT 'credit.published', 'credit', CAST(c.id AS TEXT), NULL, 'upsert',
        json_object('id', c.id, 'name', c.name),
        json_array('credits', 'credit:' || c.id, 'articles'),
        (SELECT min(a.published_at) FROM article_credits l JOIN articles a ON a.id = l.article_id WHERE l.credit_id = c.id)
      FROM credits c
      WHERE EXISTS (SELECT 1 FROM article_credits l WHERE l.credit_id = c.id AND l.article_id IN ${batch})
        AND NOT EXISTS (SELECT 1 FROM article_credits l WHERE l.credit_id = c.id AND l.article_id NOT IN ${batch})
      ORDER BY c.id`);
    db.run(sql`
      INSERT INTO events (type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at)
      SELECT 'article.published', 'article', id, slug, 'upsert',
        json_object('id', id, 'slug', slug, 'title', title, 'revision', published_revision),
        json_array('articles', 'article:' || id, 'tags', 'credits'), coalesce(published_updated_at, published_at)
      FROM articles
      WHERE status = 'published' AND id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))
      ORDER BY published_at, id`);
  }

  function writeComments(articleId: string, list: GeneratedComment[]) {
    const ids: number[] = [];
    for (const c of list) {
      const { lastInsertRowid } = insertComment.run(
        commentRow(articleId, c, c.parent === null ? null : (ids[c.parent] ?? null)),
      );
      const id = Number(lastInsertRowid);
      ids.push(id);
      const log = moderationRow(id, c);
      if (log) insertLog.run(log);
    }
  }

  return {
    async countArticles(): Promise<number> {
      return db.select({ n: count() }).from(articles).get()?.n ?? 0;
    },

    /**
     * Fast, non-durable writes for this connection only: a crash mid-run leaves a database to delete,
     * which is acceptable for generated data and nowhere else. finishBulkLoad restores durability.
     */
    async startBulkLoad(): Promise<void> {
      sqlite.pragma('journal_mode = MEMORY');
      sqlite.pragma('synchronous = OFF');
      // 1 GiB of page cache: the comment indexes of a million rows then stay in memory while they grow.
      sqlite.pragma('cache_size = -1048576');
      sqlite.pragma('temp_store = MEMORY');
    },

    /** Back to the server's settings, then fresh statistics so the planner knows the new sizes. */
    async finishBulkLoad(): Promise<void> {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('cache_size = -2000');
      // Sampled statistics: a full ANALYZE would read every page of gigabytes just written.
      sqlite.pragma('analysis_limit = 1000');
      sqlite.exec('ANALYZE');
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    },

    /** Adds the tags and credits the generated content links to; returns them with their ids. */
    async saveCatalogue(tagList: { slug: string; name: string }[], creditList: Credit[], at: number) {
      db.transaction((tx) => {
        for (const t of tagList) {
          const created = tx
            .insert(tags)
            .values({ ...t, createdAt: at, updatedAt: at })
            .onConflictDoNothing({ target: tags.slug })
            .returning({ id: tags.id })
            .get();
          if (created) recordEvent(tx, tagEvent('tag.created', { id: created.id, ...t }, at));
        }
      });
      const tagRows = db
        .select({ id: tags.id, slug: tags.slug, name: tags.name })
        .from(tags)
        .where(
          inArray(
            tags.slug,
            tagList.map((t) => t.slug),
          ),
        )
        // The generator picks tags by position: both engines list them in the same order.
        .orderBy(tags.slug)
        .all();
      tagIds = new Map(tagRows.map((t) => [t.slug, t.id]));
      const creditRows = creditList.map((c) => {
        const existing = db.select().from(credits).where(eq(credits.name, c.name)).get();
        if (existing && existing.organization === c.organization) return existing;
        return db.transaction((tx) => {
          const created = tx
            .insert(credits)
            .values({ ...c, createdAt: at, updatedAt: at })
            .returning()
            .get();
          recordEvent(tx, creditEvent('credit.created', created, at));
          return created;
        });
      });
      return { tags: tagRows.map(({ slug, name }) => ({ slug, name })), credits: creditRows };
    },

    /** One batch of articles with their revisions, links, search entries and comments, in one transaction. */
    async insertBatch(batch: GeneratedEntry[]): Promise<void> {
      db.transaction(() => {
        for (const { article, comments: list } of batch) {
          writeArticle(article, approvedCount(list));
          writeComments(article.id, list);
        }
        announcePublished(batch.map((entry) => entry.article.id));
      });
    },
  };
}
