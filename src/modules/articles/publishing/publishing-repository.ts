import { and, asc, eq, isNull, lte, min } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { withoutWaiting } from '../../../db/errors.js';
import { articleSchedules, articles } from '../../../db/schema.js';
import type { PendingEvents } from '../catalogue.js';
import {
  type ArticleWriters,
  articleRow,
  claimSlug,
  clearPublication,
  recordAll,
  releaseSlugs,
  writePublication,
} from './publication.js';
import { type AuditFields, firstPublishedAt, type Publication, scheduleEvent, withdrawalEvent } from './read-model.js';

export type { Publication } from './read-model.js';

type ArticleRow = typeof articles.$inferSelect;

/** A pending schedule: the article, the revision to publish and when. */
export interface DueSchedule {
  articleId: string;
  revision: number;
  at: number;
}

/** Names one pending schedule exactly, so a row replaced or applied meanwhile is left alone. */
const pendingSchedule = (s: DueSchedule) =>
  and(
    eq(articleSchedules.articleId, s.articleId),
    eq(articleSchedules.revision, s.revision),
    eq(articleSchedules.at, s.at),
    isNull(articleSchedules.failedAt),
  );

/** Thrown to roll back a trial publication once it has succeeded (both engines). */
export class TrialSucceeded extends Error {}

export function createPublishingRepository(db: Database, writers: ArticleWriters) {
  return {
    async publish(p: Publication): Promise<ArticleRow> {
      return db.transaction((tx) => {
        const events: PendingEvents = [];
        const row = writePublication(tx, p, writers, events);
        recordAll(tx, events, writers);
        return row;
      });
    },

    /**
     * One pending publication per article: a new schedule replaces the previous one, and a failed one.
     * The publication is first tried and rolled back, so what would be refused when it comes due
     * (a slug another article took) is refused now, while the editor is there to fix it.
     */
    async schedule(s: { trial: Publication; at: number; now: number; audit: AuditFields }) {
      const { articleId, revision } = s.trial;
      return db.transaction((tx) => {
        // What the trial would announce is dropped with it; the schedule announces itself.
        let slug = '';
        try {
          tx.transaction((trial) => {
            slug = writePublication(trial, s.trial, writers, []).slug;
            throw new TrialSucceeded();
          });
        } catch (err) {
          if (!(err instanceof TrialSucceeded)) throw err;
        }
        // The trial's claim went with it: the slug is held for the schedule, so no other article takes
        // it before it comes due, and one a replaced schedule alone held is released.
        claimSlug(tx, articleId, slug, s.now);
        const row = { revision, at: s.at, createdAt: s.now, failedAt: null, failureReason: null };
        tx.insert(articleSchedules)
          .values({ articleId, ...row })
          .onConflictDoUpdate({ target: articleSchedules.articleId, set: row })
          .run();
        releaseSlugs(tx, articleId);
        tx.update(articles).set({ updatedAt: s.now }).where(eq(articles.id, articleId)).run();
        writers.appendAudit(tx, { ...s.audit, at: s.now, articleId, subjectId: articleId });
        writers.recordEvent(tx, scheduleEvent({ articleId, slug, revision, at: s.at }, s.now));
        return articleRow(tx, articleId);
      });
    },

    /** Back to draft (unpublish) or out of sight for good (archive); history stays whole. */
    async withdraw(w: { articleId: string; status: 'draft' | 'archived'; at: number; audit: AuditFields }) {
      return db.transaction((tx) => {
        const event = withdrawalEvent(articleRow(tx, w.articleId), w.status, w.at);
        const events: PendingEvents = event ? [event] : [];
        clearPublication(tx, w.articleId, w.status, w.at, writers, events);
        writers.appendAudit(tx, { ...w.audit, at: w.at, articleId: w.articleId, subjectId: w.articleId });
        recordAll(tx, events, writers);
        return articleRow(tx, w.articleId);
      });
    },

    /** Pending schedules due at `now`, earliest first, at most `limit`. Failed ones are never due again. */
    async findDue(now: number, limit: number): Promise<DueSchedule[]> {
      return db
        .select({ articleId: articleSchedules.articleId, revision: articleSchedules.revision, at: articleSchedules.at })
        .from(articleSchedules)
        .where(and(lte(articleSchedules.at, now), isNull(articleSchedules.failedAt)))
        .orderBy(asc(articleSchedules.at))
        .limit(limit)
        .all();
    },

    /**
     * Applies one due schedule in its own transaction. False when it is no longer pending as it was
     * read (another request or process applied, replaced or cancelled it meanwhile). An
     * UnavailableError, at once, when another connection holds the write lock: the request that
     * happened to bring the schedule due must not wait for it.
     */
    async publishScheduled(s: DueSchedule & { bodyHtml: string; now: number; audit: AuditFields }): Promise<boolean> {
      return withoutWaiting(db, () =>
        db.transaction((tx) => {
          if (!tx.select().from(articleSchedules).where(pendingSchedule(s)).get()) return false;
          const events: PendingEvents = [];
          writePublication(
            tx,
            {
              articleId: s.articleId,
              revision: s.revision,
              publishedAt: firstPublishedAt(articleRow(tx, s.articleId), s.at),
              bodyHtml: s.bodyHtml,
              at: s.now,
              audit: s.audit,
            },
            writers,
            events,
          );
          recordAll(tx, events, writers);
          return true;
        }),
      );
    },

    /**
     * Marks a schedule failed, with its audit row, so it is shown to editors and never retried.
     * False when it was not pending any more, so a failure is recorded (and logged) once.
     * An UnavailableError, at once, when another connection holds the write lock.
     */
    async markScheduleFailed(s: DueSchedule & { reason: string; now: number; audit: AuditFields }): Promise<boolean> {
      return withoutWaiting(db, () =>
        db.transaction((tx) => {
          const marked = tx
            .update(articleSchedules)
            .set({ failedAt: s.now, failureReason: s.reason })
            .where(pendingSchedule(s))
            .returning({ articleId: articleSchedules.articleId })
            .all();
          if (marked.length === 0) return false;
          tx.update(articles).set({ updatedAt: s.now }).where(eq(articles.id, s.articleId)).run();
          writers.appendAudit(tx, { ...s.audit, at: s.now, articleId: s.articleId, subjectId: s.articleId });
          return true;
        }),
      );
    },

    /** The earliest pending publication time, or null when nothing is pending. */
    async nextDueAt(): Promise<number | null> {
      return (
        db
          .select({ at: min(articleSchedules.at) })
          .from(articleSchedules)
          .where(isNull(articleSchedules.failedAt))
          .get()?.at ?? null
      );
    },
  };
}

export type PublishingRepository = ReturnType<typeof createPublishingRepository>;
