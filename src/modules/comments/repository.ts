import { and, asc, count, eq, inArray, isNull, lt, min, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { groupWriterOf } from '../../db/group-commit.js';
import { articles, commentDuplicates, commentModerationLog, comments } from '../../db/schema.js';
import { commentEvent } from '../events/catalogue.js';
import type { recordEvent } from '../events/outbox.js';
import { type Erasure, erasedColumns, erasureLogEntry } from './erasure.js';
import type { Reason } from './spam-rules.js';
import { planStatusChange, statusEvents } from './status-change.js';

export type CommentRow = typeof comments.$inferSelect;
export type LogRow = typeof commentModerationLog.$inferSelect;
export type Status = CommentRow['status'];
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
type Keyset = readonly [createdAt: number, id: number] | null;

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
  authorKeyHash: string;
  body: string;
  status: Status;
  reasons: Reason[];
  at: number;
  /** Who set the first status, for the moderation log. */
  actor: string;
  /**
   * Whether a duplicate is recorded in comment_duplicates, for the flood limits to count (false
   * when they are off): nothing else is stored for it.
   */
  countDuplicate: boolean;
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

/** Two counts of one window, as one. */
export function addActivity(a: Activity, b: Activity): Activity {
  const oldest = a.oldest === null ? b.oldest : b.oldest === null ? a.oldest : Math.min(a.oldest, b.oldest);
  return { count: a.count + b.count, oldest };
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

/** What a comment command writes beside the comment, in its transaction: its events. Passed in by the store. */
export interface CommentWriters {
  recordEvent: typeof recordEvent;
}

export function createCommentsRepository(db: Database, writers: CommentWriters) {
  // A reader's POST runs on statements prepared once: building SQL per request cost as much as the
  // write itself.
  const since = sql.placeholder('since');
  const value = sql.placeholder('value');
  const activityOf = (column: typeof comments.ipHash | typeof comments.authorEmail) =>
    db
      .select({ n: count(), oldest: min(comments.createdAt) })
      .from(comments)
      .where(and(eq(column, value), sql`${comments.createdAt} > ${since}`))
      .prepare();
  const duplicatesSince = sql`${commentDuplicates.at} > ${since}`;
  const duplicateActivity = { n: count(), oldest: min(commentDuplicates.at) };
  const activityByIp = activityOf(comments.ipHash);
  const activityByEmail = activityOf(comments.authorEmail);
  const duplicatesByIp = db
    .select(duplicateActivity)
    .from(commentDuplicates)
    .where(and(eq(commentDuplicates.ipHash, value), duplicatesSince))
    .prepare();
  // A duplicate has the e-mail of the comment it repeats, which is where the e-mail is kept.
  const duplicatesByEmail = db
    .select(duplicateActivity)
    .from(commentDuplicates)
    .innerJoin(comments, eq(comments.id, commentDuplicates.commentId))
    .where(and(eq(comments.authorEmail, value), duplicatesSince))
    .prepare();
  type Counted = { get(params: { value: string; since: number }): { n: number; oldest: number | null } | undefined };
  const activity = (statements: Counted[], of: string, after: number): Activity =>
    statements
      .map((statement) => statement.get({ value: of, since: after }))
      .reduce<Activity>((sum, row) => addActivity(sum, { count: row?.n ?? 0, oldest: row?.oldest ?? null }), {
        count: 0,
        oldest: null,
      });
  const duplicate = db
    .select({ id: comments.id })
    .from(comments)
    .where(
      and(
        eq(comments.authorEmail, sql.placeholder('email')),
        eq(comments.articleId, sql.placeholder('articleId')),
        eq(comments.body, sql.placeholder('body')),
      ),
    )
    .limit(1)
    .prepare();
  const approvedOf = db
    .select({ id: comments.id })
    .from(comments)
    .where(
      and(
        eq(comments.authorEmail, sql.placeholder('email')),
        eq(comments.authorKeyHash, sql.placeholder('keyHash')),
        eq(comments.status, 'approved'),
      ),
    )
    .limit(1)
    .prepare();
  const insertComment = db
    .insert(comments)
    .values({
      articleId: sql.placeholder('articleId'),
      parentId: sql.placeholder('parentId'),
      depth: sql.placeholder('depth'),
      authorName: sql.placeholder('authorName'),
      authorEmail: sql.placeholder('authorEmail'),
      ipHash: sql.placeholder('ipHash'),
      authorKeyHash: sql.placeholder('authorKeyHash'),
      body: sql.placeholder('body'),
      status: sql.placeholder('status'),
      spamReasons: sql.placeholder('spamReasons'),
      createdAt: sql.placeholder('at'),
      updatedAt: sql.placeholder('at'),
    })
    .returning()
    .prepare();
  const insertArrival = db
    .insert(commentModerationLog)
    .values({
      commentId: sql.placeholder('commentId'),
      actor: sql.placeholder('actor'),
      fromStatus: null,
      toStatus: sql.placeholder('toStatus'),
      at: sql.placeholder('at'),
    })
    .prepare();
  const insertDuplicate = db
    .insert(commentDuplicates)
    .values({ commentId: sql.placeholder('commentId'), ipHash: sql.placeholder('ipHash'), at: sql.placeholder('at') })
    .prepare();

  const write = groupWriterOf(db);
  const insertCommitted = (c: NewComment): Promise<CommentRow | null> =>
    write((sp) => {
      const original = duplicate.get({ email: c.authorEmail, articleId: c.articleId, body: c.body });
      if (original !== undefined) {
        if (c.countDuplicate) insertDuplicate.run({ commentId: original.id, ipHash: c.ipHash, at: c.at });
        return null;
      }
      const row = insertComment.get({ ...c, spamReasons: JSON.stringify(c.reasons) });
      if (!row) throw new Error('the comment insert returned no row');
      insertArrival.run({ commentId: row.id, actor: c.actor, toStatus: c.status, at: c.at });
      if (c.status === 'approved') recount(sp, [c.articleId]);
      // In the comment's savepoint: a comment refused with it is never announced.
      writers.recordEvent(
        sp,
        commentEvent('comment.created', { id: row.id, articleId: row.articleId, status: row.status }, c.at),
      );
      return row;
    });

  return {
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

    /**
     * Comments since `since` from one IP hash and from one e-mail, with the oldest of each: those
     * stored and the duplicates recorded for them.
     */
    async recentActivity(q: { ipHash: string; email: string; since: number }) {
      return {
        byIp: activity([activityByIp, duplicatesByIp], q.ipHash, q.since),
        byEmail: activity([activityByEmail, duplicatesByEmail], q.email, q.since),
      };
    },

    /** Forgets the duplicates recorded before `before`, which no flood window counts any more. */
    async pruneDuplicates(before: number): Promise<void> {
      db.delete(commentDuplicates).where(lt(commentDuplicates.at, before)).run();
    },

    /** Whether an approved comment has this e-mail and this author key: the e-mail alone proves nothing. */
    async hasApproved(email: string, keyHash: string): Promise<boolean> {
      return approvedOf.get({ email, keyHash }) !== undefined;
    },

    /**
     * Stores a comment, its arrival in the moderation log and, when approved, the article's new
     * count; returns null for a duplicate (same article, e-mail and body), storing only a record of
     * it for the flood limits when `countDuplicate` says so. The check runs inside the same
     * transaction, so two identical posts racing each other cannot both be stored. Concurrent
     * writes (comments, revisions, new articles) share one commit (group commit).
     */
    insert: insertCommitted,

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
        const { results, changed } = planStatusChange(change, found);
        for (const row of changed) {
          tx.update(comments).set({ status: change.to, updatedAt: change.at }).where(eq(comments.id, row.id)).run();
          appendLog(tx, {
            commentId: row.id,
            actor: change.actor,
            fromStatus: row.status,
            toStatus: change.to,
            note: change.note,
            at: change.at,
          });
        }
        recount(
          tx,
          changed.map((row) => row.articleId),
        );
        for (const event of statusEvents(changed, change.to, change.at)) writers.recordEvent(tx, event);
        return results;
      });
    },

    /**
     * Removes the personal data and keeps the row, so replies keep their parent, and drops the
     * duplicates recorded for it, which would tie its author to their addresses. The erasure is
     * logged (status unchanged) and the article recounted, since erased comments do not count.
     */
    async erase(e: Erasure) {
      return db.transaction((tx) => {
        const row = tx.select().from(comments).where(eq(comments.id, e.id)).get();
        if (!row) return undefined;
        if (row.erasedAt !== null) return row;
        const erased = tx.update(comments).set(erasedColumns(e)).where(eq(comments.id, e.id)).returning().get();
        tx.delete(commentDuplicates).where(eq(commentDuplicates.commentId, e.id)).run();
        appendLog(tx, erasureLogEntry(e, row.status));
        recount(tx, [row.articleId]);
        writers.recordEvent(tx, commentEvent('comment.erased', { id: row.id, articleId: row.articleId }, e.at));
        return erased;
      });
    },
  };
}

export type CommentsRepository = ReturnType<typeof createCommentsRepository>;
