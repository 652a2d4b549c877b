/**
 * The writes that make a revision public or take it out of the public API, and the slug claims they
 * rest on, for the SQLite engine; each runs inside the caller's transaction. publication.pg.ts is
 * the same on PostgreSQL.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  articleCredits,
  articleRevisions,
  articleSchedules,
  articleSlugs,
  articles,
  articleTags,
  credits,
  tags,
} from '../../../db/schema.js';
import { ConflictError } from '../../../errors.js';
import type { AppendAudit } from '../../audit/repository.js';
import type { EventInput } from '../../events/catalogue.js';
import type { recordEvent } from '../../events/outbox.js';
import type { indexDocument, removeDocument } from '../../search/repository.js';
import { ensureCredit, ensureTag, type PendingEvents, type Tx } from '../catalogue.js';
import type { ArticleContent } from '../schemas.js';
import { releasableSlugs } from '../slug-claims.js';
import {
  type Publication,
  publicationEvent,
  publishedColumns,
  searchDocumentOf,
  withdrawnColumns,
} from './read-model.js';
import { type Carried, changedIds, type Links, visibilityEvents } from './visibility.js';

type ArticleRow = typeof articles.$inferSelect;

/**
 * What article commands write beside the article, in their transaction: the audit entry, the
 * article's search entry, and the events they announce. Passed in by the store, so this module does
 * not depend on the audit, search and events modules.
 */
export interface ArticleWriters {
  appendAudit: AppendAudit;
  indexDocument: typeof indexDocument;
  removeDocument: typeof removeDocument;
  recordEvent: typeof recordEvent;
}

/** Appends a transaction's gathered events, in the order they happened; call it last. */
export function recordAll(tx: Tx, events: readonly EventInput[], writers: Pick<ArticleWriters, 'recordEvent'>): void {
  for (const e of events) writers.recordEvent(tx, e);
}

export function articleRow(tx: Tx, id: string): ArticleRow {
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

/**
 * Records a slug as the article's. Once public it is the article's for good, so its URL keeps
 * answering (with a redirect) after a rename; until then releaseSlugs lets it go when nothing holds it.
 */
export function claimSlug(tx: Tx, articleId: string, slug: string, at: number): void {
  if (!assertSlugFree(tx, articleId, slug).held)
    tx.insert(articleSlugs).values({ slug, articleId, createdAt: at }).run();
}

/**
 * Releases the article's working slugs that nothing holds any more (see slug-claims.ts), so another
 * article may take them. Call it after the command's other writes to the article, its revisions and
 * its schedule: it reads what holds the slugs as they are then.
 */
export function releaseSlugs(tx: Tx, articleId: string): void {
  const neverPublic = and(eq(articleSlugs.articleId, articleId), isNull(articleSlugs.publicAt));
  const claims = tx
    .select({ slug: articleSlugs.slug, publicAt: articleSlugs.publicAt })
    .from(articleSlugs)
    .where(neverPublic)
    .all();
  // Most often none (an article published under its head's slug): then no snapshot is read.
  if (claims.length === 0) return;
  const article = articleRow(tx, articleId);
  const schedule = tx
    .select({ revision: articleSchedules.revision })
    .from(articleSchedules)
    .where(and(eq(articleSchedules.articleId, articleId), isNull(articleSchedules.failedAt)))
    .get();
  const slugOf = (n: number | null | undefined) => (n == null ? null : snapshotOf(tx, articleId, n).slug);
  const released = releasableSlugs(claims, {
    head: snapshotOf(tx, articleId, article.headRevision).slug,
    current: article.slug,
    published: slugOf(article.publishedRevision),
    scheduled: slugOf(schedule?.revision),
  });
  if (released.length > 0)
    tx.delete(articleSlugs)
      .where(and(neverPublic, inArray(articleSlugs.slug, released)))
      .run();
}

/** From now on the slug was public: after a rename it redirects, unlike a draft's working slug that no reader saw. */
function markSlugPublic(tx: Tx, slug: string, at: number): void {
  tx.update(articleSlugs)
    .set({ publicAt: at })
    .where(and(eq(articleSlugs.slug, slug), isNull(articleSlugs.publicAt)))
    .run();
}

/** The tags and credits the article's published revision links now. */
function linksOf(tx: Tx, articleId: string): Links {
  return {
    tags: tx
      .select({ id: articleTags.tagId })
      .from(articleTags)
      .where(eq(articleTags.articleId, articleId))
      .all()
      .map((r) => r.id),
    credits: tx
      .select({ id: articleCredits.creditId })
      .from(articleCredits)
      .where(eq(articleCredits.articleId, articleId))
      .all()
      .map((r) => r.id),
  };
}

/** The tags and credits that became or stopped being public as the article's links went from `before` to what they are now. */
function visibilityChanges(tx: Tx, articleId: string, before: Links, at: number): EventInput[] {
  const after = linksOf(tx, articleId);
  const changed = changedIds(before, after);
  const carried: { tags: Carried[]; credits: Carried[] } = { tags: [], credits: [] };
  if (changed.tags.length > 0) {
    carried.tags = tx
      .select({
        id: tags.id,
        slug: tags.slug,
        name: tags.name,
        carriers: sql<number>`(select count(distinct ${articleTags.articleId}) from ${articleTags} where ${articleTags.tagId} = ${tags.id})`,
      })
      .from(tags)
      .where(inArray(tags.id, changed.tags))
      .all();
  }
  if (changed.credits.length > 0) {
    carried.credits = tx
      .select({
        id: credits.id,
        name: credits.name,
        carriers: sql<number>`(select count(distinct ${articleCredits.articleId}) from ${articleCredits} where ${articleCredits.creditId} = ${credits.id})`,
      })
      .from(credits)
      .where(inArray(credits.id, changed.credits))
      .all();
  }
  return visibilityEvents(before, after, carried, at);
}

/**
 * Makes one revision the public one: the read-model columns, the slug, tag links and credit links
 * change together, so a reader never sees half a publication. A pending schedule is replaced by it.
 * Adds to `events` what it announces (the tags and credits it creates, those it makes public or
 * leaves carried by no published article, then the publication), for the caller to record at the
 * end of its transaction.
 */
export function writePublication(tx: Tx, p: Publication, writers: ArticleWriters, events: PendingEvents): ArticleRow {
  const wasPublished = articleRow(tx, p.articleId).status === 'published';
  const before = linksOf(tx, p.articleId);
  const content = snapshotOf(tx, p.articleId, p.revision);
  claimSlug(tx, p.articleId, content.slug, p.at);
  markSlugPublic(tx, content.slug, p.at);
  tx.update(articles).set(publishedColumns(content, p)).where(eq(articles.id, p.articleId)).run();
  tx.delete(articleSchedules).where(eq(articleSchedules.articleId, p.articleId)).run();
  // A schedule this publication replaced no longer holds the slug it would have published under.
  releaseSlugs(tx, p.articleId);
  tx.delete(articleTags).where(eq(articleTags.articleId, p.articleId)).run();
  content.tags.forEach((tag, position) => {
    const tagId = ensureTag(tx, tag, p.at, events);
    tx.insert(articleTags)
      .values({ articleId: p.articleId, tagId, position, publishedAt: p.publishedAt })
      .onConflictDoNothing()
      .run();
  });
  tx.delete(articleCredits).where(eq(articleCredits.articleId, p.articleId)).run();
  content.credits.forEach((credit, position) => {
    const creditId = ensureCredit(tx, credit, p.at, events);
    tx.insert(articleCredits)
      .values({ articleId: p.articleId, creditId, role: credit.role, position })
      .onConflictDoNothing()
      .run();
  });
  writers.indexDocument(tx, p.articleId, searchDocumentOf(content));
  if (p.audit) writers.appendAudit(tx, { ...p.audit, at: p.at, articleId: p.articleId, subjectId: p.articleId });
  events.push(...visibilityChanges(tx, p.articleId, before, p.at));
  events.push(publicationEvent(wasPublished, content, p));
  return articleRow(tx, p.articleId);
}

/**
 * Takes an article out of the public API: the read model and the tag and credit links hold only
 * a published revision, so they are emptied (tag and credit counts drop with them). Adds to
 * `events` the tags and credits no published article carries any more.
 */
export function clearPublication(
  tx: Tx,
  articleId: string,
  status: 'draft' | 'archived',
  at: number,
  writers: Pick<ArticleWriters, 'removeDocument'>,
  events: PendingEvents,
): void {
  const before = linksOf(tx, articleId);
  tx.update(articles).set(withdrawnColumns(status, at)).where(eq(articles.id, articleId)).run();
  tx.delete(articleTags).where(eq(articleTags.articleId, articleId)).run();
  tx.delete(articleCredits).where(eq(articleCredits.articleId, articleId)).run();
  tx.delete(articleSchedules).where(eq(articleSchedules.articleId, articleId)).run();
  // A cancelled schedule no longer holds the slug it would have published under.
  releaseSlugs(tx, articleId);
  writers.removeDocument(tx, articleId);
  events.push(...visibilityChanges(tx, articleId, before, at));
}
