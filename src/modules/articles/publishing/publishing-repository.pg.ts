import { and, asc, eq, isNull, lte, min } from 'drizzle-orm';
import type { PgDatabase, PgTransaction } from '../../../db/pg/client.js';
import { articleSchedules, articles } from '../../../db/pg/schema.js';
import { withLockingTransaction } from '../../../db/pg/tx.js';
import { NotFoundError } from '../../../errors.js';
import type { PendingEvents } from '../catalogue.js';
import {
  articleRow,
  claimSlug,
  clearPublication,
  lockArticle,
  type PgArticleWriters,
  recordAll,
  releaseSlugs,
  writePublication,
} from './publication.pg.js';
import { type DueSchedule, type PublishingRepository, TrialSucceeded } from './publishing-repository.js';
import { firstPublishedAt, type Publication, scheduleEvent, withdrawalEvent } from './read-model.js';

/** Names one pending schedule exactly, so a row replaced or applied meanwhile is left alone. */
const pendingSchedule = (s: DueSchedule) =>
  and(
    eq(articleSchedules.articleId, s.articleId),
    eq(articleSchedules.revision, s.revision),
    eq(articleSchedules.at, s.at),
    isNull(articleSchedules.failedAt),
  );

async function lockExisting(tx: PgTransaction, id: string) {
  const row = await lockArticle(tx, id);
  if (!row) throw new NotFoundError(`No article with id ${id}`);
  return row;
}

/**
 * The publishing commands on PostgreSQL. Each is one READ COMMITTED transaction that first locks
 * the article row, so two commands on one article queue instead of failing each other (under
 * SERIALIZABLE the one that waited would fail once granted the lock, its snapshot being older than
 * the row). What else they read is guarded as publication.pg.ts says. Due schedules
 * are claimed with SKIP LOCKED: with several nodes, each schedule is applied by one of them, and
 * the others neither wait for it nor render it again.
 */
export function createPgPublishingRepository(db: PgDatabase, writers: PgArticleWriters): PublishingRepository {
  return {
    async publish(p: Publication) {
      return withLockingTransaction(db, async (tx) => {
        await lockExisting(tx, p.articleId);
        const events: PendingEvents = [];
        const row = await writePublication(tx, p, writers, events);
        await recordAll(tx, events, writers);
        return row;
      });
    },

    /**
     * One pending publication per article: a new schedule replaces the previous one, and a failed one.
     * The publication is first tried and rolled back to a savepoint, so what would be refused when it
     * comes due (a slug another article took) is refused now, while the editor is there to fix it.
     */
    async schedule(s) {
      const { articleId, revision } = s.trial;
      return withLockingTransaction(db, async (tx) => {
        await lockExisting(tx, articleId);
        // What the trial would announce is dropped with it; the schedule announces itself.
        let slug = '';
        try {
          await tx.transaction(async (trial) => {
            slug = (await writePublication(trial, s.trial, writers, [])).slug;
            throw new TrialSucceeded();
          });
        } catch (err) {
          if (!(err instanceof TrialSucceeded)) throw err;
        }
        // The trial's claim went with it: the slug is held for the schedule, so no other article takes
        // it before it comes due, and one a replaced schedule alone held is released.
        await claimSlug(tx, articleId, slug, s.now);
        const row = { revision, at: s.at, createdAt: s.now, failedAt: null, failureReason: null };
        await tx
          .insert(articleSchedules)
          .values({ articleId, ...row })
          .onConflictDoUpdate({ target: articleSchedules.articleId, set: row });
        await releaseSlugs(tx, articleId);
        await tx.update(articles).set({ updatedAt: s.now }).where(eq(articles.id, articleId));
        await writers.appendAudit(tx, { ...s.audit, at: s.now, articleId, subjectId: articleId });
        await writers.recordEvent(tx, scheduleEvent({ articleId, slug, revision, at: s.at }, s.now));
        return articleRow(tx, articleId);
      });
    },

    async withdraw(w) {
      return withLockingTransaction(db, async (tx) => {
        const event = withdrawalEvent(await lockExisting(tx, w.articleId), w.status, w.at);
        const events: PendingEvents = event ? [event] : [];
        await writers.appendAudit(tx, { ...w.audit, at: w.at, articleId: w.articleId, subjectId: w.articleId });
        await clearPublication(tx, w.articleId, w.status, w.at, writers, events);
        await recordAll(tx, events, writers);
        return articleRow(tx, w.articleId);
      });
    },

    /**
     * Pending schedules due at `now`, earliest first, at most `limit`, leaving out those another
     * node is applying at this moment (their rows are locked): this node would only render them
     * for nothing. The locks taken here end with the statement; publishScheduled claims for good.
     */
    async findDue(now, limit) {
      return db
        .select({ articleId: articleSchedules.articleId, revision: articleSchedules.revision, at: articleSchedules.at })
        .from(articleSchedules)
        .where(and(lte(articleSchedules.at, now), isNull(articleSchedules.failedAt)))
        .orderBy(asc(articleSchedules.at), asc(articleSchedules.articleId))
        .limit(limit)
        .for('update', { skipLocked: true });
    },

    /**
     * Applies one due schedule in its own transaction. False when it is no longer pending as it was
     * read, or when another connection holds the article at this moment (another node applying this
     * very schedule, or an editor's command): the request that brought it due neither waits nor
     * applies it twice. A schedule left pending that way is due again at the next pass.
     */
    async publishScheduled(s) {
      return withLockingTransaction(db, async (tx) => {
        const [article] = await tx
          .select({ publishedAt: articles.publishedAt })
          .from(articles)
          .where(eq(articles.id, s.articleId))
          .for('update', { skipLocked: true });
        if (!article) return false;
        const [pending] = await tx
          .select({ articleId: articleSchedules.articleId })
          .from(articleSchedules)
          .where(pendingSchedule(s))
          .for('update');
        if (!pending) return false;
        const events: PendingEvents = [];
        await writePublication(
          tx,
          {
            articleId: s.articleId,
            revision: s.revision,
            publishedAt: firstPublishedAt(article, s.at),
            bodyHtml: s.bodyHtml,
            at: s.now,
            audit: s.audit,
          },
          writers,
          events,
        );
        await recordAll(tx, events, writers);
        return true;
      });
    },

    /**
     * Marks a schedule failed, with its audit row, so it is shown to editors and never retried.
     * False when it was not pending any more, so a failure is recorded (and logged) once, by one node.
     */
    async markScheduleFailed(s) {
      return withLockingTransaction(db, async (tx) => {
        if (!(await lockArticle(tx, s.articleId))) return false;
        const marked = await tx
          .update(articleSchedules)
          .set({ failedAt: s.now, failureReason: s.reason })
          .where(pendingSchedule(s))
          .returning({ articleId: articleSchedules.articleId });
        if (marked.length === 0) return false;
        await tx.update(articles).set({ updatedAt: s.now }).where(eq(articles.id, s.articleId));
        await writers.appendAudit(tx, { ...s.audit, at: s.now, articleId: s.articleId, subjectId: s.articleId });
        return true;
      });
    },

    async nextDueAt() {
      const [row] = await db
        .select({ at: min(articleSchedules.at) })
        .from(articleSchedules)
        .where(isNull(articleSchedules.failedAt));
      return row?.at ?? null;
    },
  };
}
