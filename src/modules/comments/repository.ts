import { and, asc, count, eq, inArray, isNull, min, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { articleSlugs, articles, commentModerationLog, comments } from '../../db/schema.js';
import type { Reason } from './spam-rules.js';

export type CommentRow = typeof comments.$inferSelect;
export type LogRow = typeof commentModerationLog.$inferSelect;
export type Status = CommentRow['status'];
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
type Keyset = readonly [createdAt: number, id: number] | null;

export interface ArticleRef {
  id: string;
  slug: string;
  title: string | null;
  status: string;
  commentsOpen: boolean;
}
export interface QueueRow {
  comment: CommentRow;
  article: { id: string; slug: string; title: string | null };
}
export interface NewComment {
  articleId: string;
  parentId: number | null;
  depth: number;
  authorName: string;
  authorEmail: string;
  ipHash: string;
  body: string;
  status: Status;
  reasons: Reason[];
  at: number;
  /** Who set the first status, for the moderation log. */
  actor: string;
}
export interface StatusChange {
  ids: number[];
  to: Status;
  actor: string;
  note: string | null;
  at: number;
}
export interface ChangeResult {
  id: number;
  /** The comment's article; null when no comment has the id. */
  articleId: string | null;
  from: Status | null;
  to: Status | null;
  changed: boolean;
}
export interface Activity {
  count: number;
  oldest: number | null;
}

/** comment_count is recomputed from the rows in the writing transaction, so it cannot drift. */
function recount(tx: Tx, articleIds: Iterable<string>) {
  for (const articleId of new Set(articleIds)) {
    const approved = tx
      .select({ n: count() })
      .from(comments)
      .where(and(eq(comments.articleId, articleId), eq(comments.status, 'approved'), isNull(comments.erasedAt)))
      .get();
    tx.update(articles)
      .set({ commentCount: approved?.n ?? 0 })
      .where(eq(articles.id, articleId))
      .run();
  }
}

function appendLog(tx: Tx, entry: typeof commentModerationLog.$inferInsert) {
  tx.insert(commentModerationLog).values(entry).run();
}

const after = (keyset: Keyset): SQL[] =>
  keyset ? [sql`(${comments.createdAt}, ${comments.id}) > (${keyset[0]}, ${keyset[1]})`] : [];

const articleRef = { id: articles.id, slug: articles.slug, title: articles.title };

export function createCommentsRepository(db: Database) {
  function activity(where: SQL): Activity {
    const row = db
      .select({ n: count(), oldest: min(comments.createdAt) })
      .from(comments)
      .where(where)
      .get();
    return { count: row?.n ?? 0, oldest: row?.oldest ?? null };
  }

  return {
    /** By id, or by any slug the article has had: its comments stay reachable after a rename. */
    async findArticle(by: { id: string } | { slug: string }): Promise<ArticleRef | undefined> {
      const columns = { ...articleRef, status: articles.status, commentsOpen: articles.commentsOpen };
      if ('id' in by) return db.select(columns).from(articles).where(eq(articles.id, by.id)).get();
      return db
        .select(columns)
        .from(articleSlugs)
        .innerJoin(articles, eq(articles.id, articleSlugs.articleId))
        .where(eq(articleSlugs.slug, by.slug))
        .get();
    },

    async findById(id: number): Promise<CommentRow | undefined> {
      return db.select().from(comments).where(eq(comments.id, id)).get();
    },

    async findWithArticle(id: number): Promise<QueueRow | undefined> {
      return db
        .select({ comment: comments, article: articleRef })
        .from(comments)
        .innerJoin(articles, eq(articles.id, comments.articleId))
        .where(eq(comments.id, id))
        .get();
    },

    async findLog(commentId: number): Promise<LogRow[]> {
      return db
        .select()
        .from(commentModerationLog)
        .where(eq(commentModerationLog.commentId, commentId))
        .orderBy(asc(commentModerationLog.id))
        .all();
    },

    /** Comments since `since` from one IP hash and from one e-mail, with the oldest of each. */
    async recentActivity(q: { ipHash: string; email: string; since: number }) {
      return {
        byIp: activity(and(eq(comments.ipHash, q.ipHash), sql`${comments.createdAt} > ${q.since}`) as SQL),
        byEmail: activity(and(eq(comments.authorEmail, q.email), sql`${comments.createdAt} > ${q.since}`) as SQL),
      };
    },

    async existsDuplicate(q: { articleId: string; email: string; body: string }): Promise<boolean> {
      const row = db
        .select({ id: comments.id })
        .from(comments)
        .where(and(eq(comments.authorEmail, q.email), eq(comments.articleId, q.articleId), eq(comments.body, q.body)))
        .limit(1)
        .get();
      return row !== undefined;
    },

    async hasApproved(email: string): Promise<boolean> {
      const row = db
        .select({ id: comments.id })
        .from(comments)
        .where(and(eq(comments.authorEmail, email), eq(comments.status, 'approved')))
        .limit(1)
        .get();
      return row !== undefined;
    },

    /** Stores a comment, its arrival in the moderation log and, when approved, the article's new count. */
    async insert(c: NewComment): Promise<CommentRow> {
      return db.transaction((tx) => {
        const row = tx
          .insert(comments)
          .values({
            articleId: c.articleId,
            parentId: c.parentId,
            depth: c.depth,
            authorName: c.authorName,
            authorEmail: c.authorEmail,
            ipHash: c.ipHash,
            body: c.body,
            status: c.status,
            spamReasons: JSON.stringify(c.reasons),
            createdAt: c.at,
            updatedAt: c.at,
          })
          .returning()
          .get();
        appendLog(tx, { commentId: row.id, actor: c.actor, fromStatus: null, toStatus: c.status, at: c.at });
        if (c.status === 'approved') recount(tx, [c.articleId]);
        return row;
      });
    },

    /** One page of an article's approved comments, oldest first; returns up to limit + 1 rows. */
    async findApprovedPage(q: { articleId: string; after: Keyset; limit: number }): Promise<CommentRow[]> {
      return db
        .select()
        .from(comments)
        .where(and(eq(comments.articleId, q.articleId), eq(comments.status, 'approved'), ...after(q.after)))
        .orderBy(asc(comments.createdAt), asc(comments.id))
        .limit(q.limit + 1)
        .all();
    },

    /** One page of the moderation queue, oldest first; returns up to limit + 1 rows. */
    async findQueuePage(q: { status: Status | null; articleId: string | null; after: Keyset; limit: number }) {
      const conditions: SQL[] = after(q.after);
      if (q.status) conditions.push(eq(comments.status, q.status));
      if (q.articleId) conditions.push(eq(comments.articleId, q.articleId));
      return db
        .select({ comment: comments, article: articleRef })
        .from(comments)
        .innerJoin(articles, eq(articles.id, comments.articleId))
        .where(and(...conditions))
        .orderBy(asc(comments.createdAt), asc(comments.id))
        .limit(q.limit + 1)
        .all() satisfies QueueRow[];
    },

    /** Moves each comment to `to`, logging every change, and recounts the articles touched, all at once. */
    async changeStatus(change: StatusChange): Promise<ChangeResult[]> {
      return db.transaction((tx) => {
        const found = tx.select().from(comments).where(inArray(comments.id, change.ids)).all();
        const byId = new Map(found.map((row) => [row.id, row]));
        const touched: string[] = [];
        const results = change.ids.map((id): ChangeResult => {
          const row = byId.get(id);
          if (!row) return { id, articleId: null, from: null, to: null, changed: false };
          if (row.status === change.to)
            return { id, articleId: row.articleId, from: row.status, to: row.status, changed: false };
          tx.update(comments).set({ status: change.to, updatedAt: change.at }).where(eq(comments.id, id)).run();
          appendLog(tx, {
            commentId: id,
            actor: change.actor,
            fromStatus: row.status,
            toStatus: change.to,
            note: change.note,
            at: change.at,
          });
          touched.push(row.articleId);
          return { id, articleId: row.articleId, from: row.status, to: change.to, changed: true };
        });
        recount(tx, touched);
        return results;
      });
    },

    /**
     * Removes the personal data and keeps the row, so replies keep their parent. The erasure is
     * logged (status unchanged) and the article recounted, since erased comments do not count.
     */
    async erase(e: { id: number; authorName: string; body: string; actor: string; note: string; at: number }) {
      return db.transaction((tx) => {
        const row = tx.select().from(comments).where(eq(comments.id, e.id)).get();
        if (!row) return undefined;
        if (row.erasedAt !== null) return row;
        const erased = tx
          .update(comments)
          .set({
            authorName: e.authorName,
            authorEmail: null,
            ipHash: null,
            body: e.body,
            erasedAt: e.at,
            updatedAt: e.at,
          })
          .where(eq(comments.id, e.id))
          .returning()
          .get();
        appendLog(tx, {
          commentId: e.id,
          actor: e.actor,
          fromStatus: row.status,
          toStatus: row.status,
          note: e.note,
          at: e.at,
        });
        recount(tx, [row.articleId]);
        return erased;
      });
    },
  };
}

export type CommentsRepository = ReturnType<typeof createCommentsRepository>;
