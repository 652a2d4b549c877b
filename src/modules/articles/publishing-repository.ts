import { and, asc, eq, isNull, lte, min } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { withoutWaiting } from '../../db/errors.js';
import {
  articleCredits,
  articleRevisions,
  articleSchedules,
  articleSlugs,
  articles,
  articleTags,
} from '../../db/schema.js';
import { ConflictError } from '../../errors.js';
import { type AuditEntry, appendAudit } from '../audit/repository.js';
import { indexDocument, removeDocument } from '../search/repository.js';
import { ensureCredit, ensureTag, type Tx } from './catalogue.js';
import type { ArticleContent } from './schemas.js';

type ArticleRow = typeof articles.$inferSelect;
type AuditFields = Omit<AuditEntry, 'at' | 'articleId' | 'subjectId'>;

export interface Publication {
  articleId: string;
  revision: number;
  /** When the article counts as published; kept from the first publication unless given anew. */
  publishedAt: number;
  bodyHtml: string;
  at: number;
  audit?: AuditFields;
}

function articleRow(tx: Tx, id: string): ArticleRow {
  const row = tx.select().from(articles).where(eq(articles.id, id)).get();
  if (!row) throw new Error(`article ${id} vanished inside its transaction`);
  return row;
}

function snapshotOf(tx: Tx, articleId: string, number: number): ArticleContent {
  const revision = tx
    .select({ snapshot: articleRevisions.snapshot })
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, number)))
    .get();
  if (!revision) throw new Error(`revision ${number} of ${articleId} does not exist`);
  return JSON.parse(revision.snapshot) as ArticleContent;
}

/** Refuses a slug that another article has or ever had; says whether this article already holds it. */
export function assertSlugFree(tx: Tx, articleId: string, slug: string): { held: boolean } {
  const owner = tx.select().from(articleSlugs).where(eq(articleSlugs.slug, slug)).get();
  if (owner && owner.articleId !== articleId) {
    throw new ConflictError(`The slug "${slug}" belongs to another article`, { slug });
  }
  return { held: owner !== undefined };
}

/** Records a slug as the article's for good, so its URL keeps answering (with a redirect) after a rename. */
export function claimSlug(tx: Tx, articleId: string, slug: string, at: number): void {
  if (!assertSlugFree(tx, articleId, slug).held)
    tx.insert(articleSlugs).values({ slug, articleId, createdAt: at }).run();
}

/** From now on the slug was public: after a rename it redirects, unlike a draft's working slug that no reader saw. */
function markSlugPublic(tx: Tx, slug: string, at: number): void {
  tx.update(articleSlugs)
    .set({ publicAt: at })
    .where(and(eq(articleSlugs.slug, slug), isNull(articleSlugs.publicAt)))
    .run();
}

/**
 * Makes one revision the public one: the read-model columns, the slug, tag links and credit links
 * change together, so a reader never sees half a publication. A pending schedule is replaced by it.
 */
export function writePublication(tx: Tx, p: Publication): ArticleRow {
  const content = snapshotOf(tx, p.articleId, p.revision);
  claimSlug(tx, p.articleId, content.slug, p.at);
  markSlugPublic(tx, content.slug, p.at);
  tx.update(articles)
    .set({
      status: 'published',
      slug: content.slug,
      publishedRevision: p.revision,
      publishedAt: p.publishedAt,
      title: content.title,
      standfirst: content.standfirst,
      body: content.body,
      bodyHtml: p.bodyHtml,
      heroImage: content.hero_image ? JSON.stringify(content.hero_image) : null,
      source: content.source ? JSON.stringify(content.source) : null,
      aiGenerated: content.ai_generated,
      publishedUpdatedAt: p.at,
      updatedAt: p.at,
    })
    .where(eq(articles.id, p.articleId))
    .run();
  tx.delete(articleSchedules).where(eq(articleSchedules.articleId, p.articleId)).run();
  tx.delete(articleTags).where(eq(articleTags.articleId, p.articleId)).run();
  content.tags.forEach((tag, position) => {
    const tagId = ensureTag(tx, tag, p.at);
    tx.insert(articleTags)
      .values({ articleId: p.articleId, tagId, position, publishedAt: p.publishedAt })
      .onConflictDoNothing()
      .run();
  });
  tx.delete(articleCredits).where(eq(articleCredits.articleId, p.articleId)).run();
  content.credits.forEach((credit, position) => {
    const creditId = ensureCredit(tx, credit, p.at);
    tx.insert(articleCredits)
      .values({ articleId: p.articleId, creditId, role: credit.role, position })
      .onConflictDoNothing()
      .run();
  });
  indexDocument(tx, p.articleId, {
    title: content.title,
    standfirst: content.standfirst,
    body: content.body,
    tags: content.tags.map((t) => t.name),
  });
  if (p.audit) appendAudit(tx, { ...p.audit, at: p.at, articleId: p.articleId, subjectId: p.articleId });
  return articleRow(tx, p.articleId);
}

/**
 * Takes an article out of the public API: the read model and the tag and credit links hold only
 * a published revision, so they are emptied (tag and credit counts drop with them).
 */
function clearPublication(tx: Tx, articleId: string, status: 'draft' | 'archived', at: number): void {
  tx.update(articles)
    .set({
      status,
      publishedRevision: null,
      publishedAt: null,
      title: null,
      standfirst: null,
      body: null,
      bodyHtml: null,
      heroImage: null,
      source: null,
      aiGenerated: false,
      publishedUpdatedAt: null,
      updatedAt: at,
    })
    .where(eq(articles.id, articleId))
    .run();
  tx.delete(articleTags).where(eq(articleTags.articleId, articleId)).run();
  tx.delete(articleCredits).where(eq(articleCredits.articleId, articleId)).run();
  tx.delete(articleSchedules).where(eq(articleSchedules.articleId, articleId)).run();
  removeDocument(tx, articleId);
}

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

/** Thrown to roll back a trial publication once it has succeeded. */
class TrialSucceeded extends Error {}

export function createPublishingRepository(db: Database) {
  return {
    async publish(p: Publication): Promise<ArticleRow> {
      return db.transaction((tx) => writePublication(tx, p));
    },

    /**
     * One pending publication per article: a new schedule replaces the previous one, and a failed one.
     * The publication is first tried and rolled back, so what would be refused when it comes due
     * (a slug another article took) is refused now, while the editor is there to fix it.
     */
    async schedule(s: { trial: Publication; at: number; now: number; audit: AuditFields }) {
      const { articleId, revision } = s.trial;
      return db.transaction((tx) => {
        try {
          tx.transaction((trial) => {
            writePublication(trial, s.trial);
            throw new TrialSucceeded();
          });
        } catch (err) {
          if (!(err instanceof TrialSucceeded)) throw err;
        }
        const row = { revision, at: s.at, createdAt: s.now, failedAt: null, failureReason: null };
        tx.insert(articleSchedules)
          .values({ articleId, ...row })
          .onConflictDoUpdate({ target: articleSchedules.articleId, set: row })
          .run();
        tx.update(articles).set({ updatedAt: s.now }).where(eq(articles.id, articleId)).run();
        appendAudit(tx, { ...s.audit, at: s.now, articleId, subjectId: articleId });
        return articleRow(tx, articleId);
      });
    },

    /** Back to draft (unpublish) or out of sight for good (archive); history stays whole. */
    async withdraw(w: { articleId: string; status: 'draft' | 'archived'; at: number; audit: AuditFields }) {
      return db.transaction((tx) => {
        clearPublication(tx, w.articleId, w.status, w.at);
        appendAudit(tx, { ...w.audit, at: w.at, articleId: w.articleId, subjectId: w.articleId });
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
          writePublication(tx, {
            articleId: s.articleId,
            revision: s.revision,
            publishedAt: articleRow(tx, s.articleId).publishedAt ?? s.at,
            bodyHtml: s.bodyHtml,
            at: s.now,
            audit: s.audit,
          });
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
          appendAudit(tx, { ...s.audit, at: s.now, articleId: s.articleId, subjectId: s.articleId });
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
