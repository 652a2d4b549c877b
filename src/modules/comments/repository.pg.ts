import { and, asc, count, eq, gt, inArray, isNull, lt, min, type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgTransaction } from '../../db/pg/client.js';
import { articles, commentDuplicates, commentModerationLog, comments } from '../../db/pg/schema.js';
import { withLockingTransaction } from '../../db/pg/tx.js';
import { commentEvent } from '../events/catalogue.js';
import type { recordEvent } from '../events/outbox.pg.js';
import { erasedColumns, erasureLogEntry } from './erasure.js';
import type { Activity, CommentRow, CommentsRepository, QueueRow } from './repository.js';
import { planStatusChange, statusEvents } from './status-change.js';

type Keyset = readonly [createdAt: number, id: number] | null;

const articleRef = { id: articles.id, slug: articles.slug, title: articles.title };

const after = (keyset: Keyset): SQL[] =>
  keyset ? [sql`(${comments.createdAt}, ${comments.id}) > (${keyset[0]}, ${keyset[1]})`] : [];

/**
 * Every command that changes which comments an article counts (a new approved comment, a status
 * change, an erasure) first locks the article's row, in article id order, and runs at READ
 * COMMITTED: commands on one article take turns without failing each other, and each recounts
 * what the one before it committed. A plain new comment takes the lock too, so the duplicate check
 * sees any identical comment stored before it.
 */
async function lockArticles(tx: PgTransaction, articleIds: Iterable<string>) {
  const ids = [...new Set(articleIds)].sort();
  if (ids.length === 0) return;
  await tx
    .select({ id: articles.id })
    .from(articles)
    .where(inArray(articles.id, ids))
    .orderBy(asc(articles.id))
    .for('no key update');
}

/** comment_count is recomputed from the rows in the writing transaction, under the article's lock, so it cannot drift. */
async function recount(tx: PgTransaction, articleIds: Iterable<string>) {
  for (const articleId of new Set(articleIds)) {
    const [approved] = await tx
      .select({ n: count() })
      .from(comments)
      .where(and(eq(comments.articleId, articleId), eq(comments.status, 'approved'), isNull(comments.erasedAt)));
    await tx
      .update(articles)
      .set({ commentCount: approved?.n ?? 0 })
      .where(eq(articles.id, articleId));
  }
}

/**
 * The PostgreSQL comments repository. SQLite's group commit does not apply: each comment is one
 * transaction; comments on different articles commit side by side, on one article in turn.
 */
/** The comment repository's writers on PostgreSQL; passed in by the store. */
export interface PgCommentWriters {
  recordEvent: typeof recordEvent;
}

export function createPgCommentsRepository(db: PgDatabase, writers: PgCommentWriters): CommentsRepository {
  const duplicateTimes = () => db.select({ at: commentDuplicates.at }).from(commentDuplicates).$dynamic();
  /** Stored comments and recorded duplicates, counted in one statement. */
  const activity = async (stored: SQL | undefined, duplicates: ReturnType<typeof duplicateTimes>) => {
    const recent = db.select({ at: comments.createdAt }).from(comments).where(stored).unionAll(duplicates).as('recent');
    const [row] = await db.select({ n: count(), oldest: min(recent.at) }).from(recent);
    return { count: row?.n ?? 0, oldest: row?.oldest ?? null } satisfies Activity;
  };
  return {
    async findById(id) {
      const [row] = await db.select().from(comments).where(eq(comments.id, id)).limit(1);
      return row;
    },

    async findWithArticle(id) {
      const [row] = await db
        .select({ comment: comments, article: articleRef })
        .from(comments)
        .innerJoin(articles, eq(articles.id, comments.articleId))
        .where(eq(comments.id, id))
        .limit(1);
      return row;
    },

    async findLog(commentId) {
      return db
        .select()
        .from(commentModerationLog)
        .where(eq(commentModerationLog.commentId, commentId))
        .orderBy(asc(commentModerationLog.id));
    },

    async recentActivity(q) {
      const [byIp, byEmail] = await Promise.all([
        activity(
          and(eq(comments.ipHash, q.ipHash), gt(comments.createdAt, q.since)),
          duplicateTimes().where(and(eq(commentDuplicates.ipHash, q.ipHash), gt(commentDuplicates.at, q.since))),
        ),
        activity(
          and(eq(comments.authorEmail, q.email), gt(comments.createdAt, q.since)),
          // A duplicate has the e-mail of the comment it repeats, which is where the e-mail is kept.
          duplicateTimes()
            .innerJoin(comments, eq(comments.id, commentDuplicates.commentId))
            .where(and(eq(comments.authorEmail, q.email), gt(commentDuplicates.at, q.since))),
        ),
      ]);
      return { byIp, byEmail };
    },

    /** Rows another transaction holds are left for the next prune. */
    async pruneDuplicates(before) {
      const old = db
        .select({ id: commentDuplicates.id })
        .from(commentDuplicates)
        .where(lt(commentDuplicates.at, before))
        .for('update', { skipLocked: true });
      await db.delete(commentDuplicates).where(inArray(commentDuplicates.id, old));
    },

    async hasApproved(email, keyHash) {
      const rows = await db
        .select({ id: comments.id })
        .from(comments)
        .where(
          and(eq(comments.authorEmail, email), eq(comments.authorKeyHash, keyHash), eq(comments.status, 'approved')),
        )
        .limit(1);
      return rows.length > 0;
    },

    /**
     * One transaction per comment, under its article's lock: of two identical comments racing
     * each other, the second finds the first one's row and stores nothing but, when asked, the
     * record of a duplicate.
     */
    async insert(c) {
      return withLockingTransaction(db, async (tx): Promise<CommentRow | null> => {
        await lockArticles(tx, [c.articleId]);
        const duplicate = await tx
          .select({ id: comments.id })
          .from(comments)
          .where(
            and(
              eq(comments.authorEmail, c.authorEmail),
              eq(comments.articleId, c.articleId),
              eq(comments.body, c.body),
            ),
          )
          .limit(1);
        const [original] = duplicate;
        if (original) {
          if (c.countDuplicate) {
            await tx.insert(commentDuplicates).values({ commentId: original.id, ipHash: c.ipHash, at: c.at });
          }
          return null;
        }
        const [row] = await tx
          .insert(comments)
          .values({
            articleId: c.articleId,
            parentId: c.parentId,
            depth: c.depth,
            authorName: c.authorName,
            authorEmail: c.authorEmail,
            ipHash: c.ipHash,
            authorKeyHash: c.authorKeyHash,
            body: c.body,
            status: c.status,
            spamReasons: JSON.stringify(c.reasons),
            createdAt: c.at,
            updatedAt: c.at,
          })
          .returning();
        if (!row) throw new Error('the comment insert returned no row');
        await tx
          .insert(commentModerationLog)
          .values({ commentId: row.id, actor: c.actor, fromStatus: null, toStatus: c.status, at: c.at });
        if (c.status === 'approved') await recount(tx, [c.articleId]);
        await writers.recordEvent(
          tx,
          commentEvent('comment.created', { id: row.id, articleId: row.articleId, status: row.status }, c.at),
        );
        return row;
      });
    },

    async findApprovedPage(q) {
      return db
        .select()
        .from(comments)
        .where(and(eq(comments.articleId, q.articleId), eq(comments.status, 'approved'), ...after(q.after)))
        .orderBy(asc(comments.createdAt), asc(comments.id))
        .limit(q.limit + 1);
    },

    async findQueuePage(q) {
      const conditions: SQL[] = after(q.after);
      if (q.status) conditions.push(eq(comments.status, q.status));
      if (q.articleId) conditions.push(eq(comments.articleId, q.articleId));
      return db
        .select({ comment: comments, article: articleRef })
        .from(comments)
        .innerJoin(articles, eq(articles.id, comments.articleId))
        .where(and(...conditions))
        .orderBy(asc(comments.createdAt), asc(comments.id))
        .limit(q.limit + 1) satisfies Promise<QueueRow[]>;
    },

    /**
     * Locks the comments' articles, then the comments, so two moderators acting on the same
     * comments take turns: the second sees the first one's status, and logs a change from it.
     */
    async changeStatus(change) {
      if (change.ids.length === 0) return [];
      return withLockingTransaction(db, async (tx) => {
        const owners = await tx
          .select({ articleId: comments.articleId })
          .from(comments)
          .where(inArray(comments.id, change.ids));
        await lockArticles(
          tx,
          owners.map((row) => row.articleId),
        );
        const found = await tx
          .select()
          .from(comments)
          .where(inArray(comments.id, change.ids))
          .orderBy(asc(comments.id))
          .for('update');
        const { results, changed } = planStatusChange(change, found);
        if (changed.length === 0) return results;
        await tx
          .update(comments)
          .set({ status: change.to, updatedAt: change.at })
          .where(
            inArray(
              comments.id,
              changed.map((row) => row.id),
            ),
          );
        await tx.insert(commentModerationLog).values(
          changed.map((row) => ({
            commentId: row.id,
            actor: change.actor,
            fromStatus: row.status,
            toStatus: change.to,
            note: change.note,
            at: change.at,
          })),
        );
        await recount(
          tx,
          changed.map((row) => row.articleId),
        );
        for (const event of statusEvents(changed, change.to, change.at)) await writers.recordEvent(tx, event);
        return results;
      });
    },

    async erase(e) {
      return withLockingTransaction(db, async (tx) => {
        const [owner] = await tx.select({ articleId: comments.articleId }).from(comments).where(eq(comments.id, e.id));
        if (!owner) return undefined;
        await lockArticles(tx, [owner.articleId]);
        const [row] = await tx.select().from(comments).where(eq(comments.id, e.id)).for('update');
        if (!row) return undefined;
        if (row.erasedAt !== null) return row;
        const [erased] = await tx.update(comments).set(erasedColumns(e)).where(eq(comments.id, e.id)).returning();
        await tx.delete(commentDuplicates).where(eq(commentDuplicates.commentId, e.id));
        await tx.insert(commentModerationLog).values(erasureLogEntry(e, row.status));
        await recount(tx, [row.articleId]);
        await writers.recordEvent(tx, commentEvent('comment.erased', { id: row.id, articleId: row.articleId }, e.at));
        return erased;
      });
    },
  };
}
