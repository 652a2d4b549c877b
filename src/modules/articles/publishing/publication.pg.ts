import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { driverCode } from '../../../db/errors.js';
import type { PgTransaction } from '../../../db/pg/client.js';
import {
  articleCredits,
  articleRevisions,
  articleSchedules,
  articleSlugs,
  articles,
  articleTags,
  credits,
  tags,
} from '../../../db/pg/schema.js';
import { ConflictError } from '../../../errors.js';
import type { appendAudit } from '../../audit/repository.pg.js';
import type { EventInput } from '../../events/catalogue.js';
import type { lockOutbox, recordEvent } from '../../events/outbox.pg.js';
import type { indexDocument, removeDocument } from '../../search/repository.pg.js';
import type { PendingEvents } from '../catalogue.js';
import { ensureCredit, ensureTag } from '../catalogue.pg.js';
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

/**
 * publication.ts on PostgreSQL: the writes that make a revision public or take it out of the public
 * API, and the slug claims they rest on. Each runs inside the caller's transaction, which has
 * locked the article row first: at READ COMMITTED, everything read here about the article is
 * guarded by that lock, slugs by their primary key, tags and credits by the locks catalogue.pg.ts takes.
 */

type ArticleRow = typeof articles.$inferSelect;

/** publication.ts's ArticleWriters on PostgreSQL; passed in by the store. */
export interface PgArticleWriters {
  appendAudit: typeof appendAudit;
  indexDocument: typeof indexDocument;
  removeDocument: typeof removeDocument;
  recordEvent: typeof recordEvent;
  lockOutbox: typeof lockOutbox;
}

/**
 * Appends a transaction's gathered events, in the order they happened. Call it last: the outbox
 * lock it takes is held until the commit, and every other event writer waits for it.
 */
export async function recordAll(
  tx: PgTransaction,
  events: readonly EventInput[],
  writers: Pick<PgArticleWriters, 'recordEvent'>,
): Promise<void> {
  for (const e of events) await writers.recordEvent(tx, e);
}

/** The article row, locked until the transaction ends: every command on an article takes it first. */
export async function lockArticle(tx: PgTransaction, id: string): Promise<ArticleRow | undefined> {
  const [row] = await tx.select().from(articles).where(eq(articles.id, id)).for('update');
  return row;
}

export async function articleRow(tx: PgTransaction, id: string): Promise<ArticleRow> {
  const [row] = await tx.select().from(articles).where(eq(articles.id, id));
  if (!row) throw new Error(`article ${id} vanished inside its transaction`);
  return row;
}

async function snapshotOf(tx: PgTransaction, articleId: string, number: number): Promise<ArticleContent> {
  const [revision] = await tx
    .select({ snapshot: articleRevisions.snapshot })
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, number)));
  if (!revision) throw new Error(`revision ${number} of ${articleId} does not exist`);
  return JSON.parse(revision.snapshot) as ArticleContent;
}

const UNIQUE_VIOLATION = '23505';

function slugTaken(slug: string): never {
  throw new ConflictError(`The slug "${slug}" belongs to another article`, { slug });
}

/** Refuses a slug that another article has or ever had; says whether this article already holds it. */
export async function assertSlugFree(tx: PgTransaction, articleId: string, slug: string): Promise<{ held: boolean }> {
  const [owner] = await tx.select().from(articleSlugs).where(eq(articleSlugs.slug, slug));
  if (owner && owner.articleId !== articleId) slugTaken(slug);
  return { held: owner !== undefined };
}

/**
 * Records a slug as the article's. Once public it is the article's for good, so its URL keeps
 * answering (with a redirect) after a rename; until then releaseSlugs lets it go when nothing holds
 * it. Of two articles claiming one new slug at once, the second insert waits for the first and
 * then meets its key: the same refusal as assertSlugFree's.
 */
export async function claimSlug(tx: PgTransaction, articleId: string, slug: string, at: number): Promise<void> {
  if ((await assertSlugFree(tx, articleId, slug)).held) return;
  try {
    await tx.insert(articleSlugs).values({ slug, articleId, createdAt: at });
  } catch (err) {
    if (driverCode(err) === UNIQUE_VIOLATION) slugTaken(slug);
    throw err;
  }
}

/**
 * Releases the article's working slugs that nothing holds any more (see slug-claims.ts), so another
 * article may take them. Call it after the command's other writes to the article, its revisions and
 * its schedule: it reads what holds the slugs as they are then, guarded by the article's row lock.
 * An article claiming a released slug meanwhile sees the row until this transaction commits, and is
 * refused as before: a slug is never held by two articles.
 */
export async function releaseSlugs(tx: PgTransaction, articleId: string): Promise<void> {
  const neverPublic = and(eq(articleSlugs.articleId, articleId), isNull(articleSlugs.publicAt));
  const claims = await tx
    .select({ slug: articleSlugs.slug, publicAt: articleSlugs.publicAt })
    .from(articleSlugs)
    .where(neverPublic);
  // Most often none (an article published under its head's slug): then no snapshot is read.
  if (claims.length === 0) return;
  const article = await articleRow(tx, articleId);
  const [schedule] = await tx
    .select({ revision: articleSchedules.revision })
    .from(articleSchedules)
    .where(and(eq(articleSchedules.articleId, articleId), isNull(articleSchedules.failedAt)));
  const slugOf = async (n: number | null | undefined) => (n == null ? null : (await snapshotOf(tx, articleId, n)).slug);
  const released = releasableSlugs(claims, {
    head: (await snapshotOf(tx, articleId, article.headRevision)).slug,
    current: article.slug,
    published: await slugOf(article.publishedRevision),
    scheduled: await slugOf(schedule?.revision),
  });
  if (released.length > 0) await tx.delete(articleSlugs).where(and(neverPublic, inArray(articleSlugs.slug, released)));
}

/** From now on the slug was public: after a rename it redirects, unlike a draft's working slug that no reader saw. */
async function markSlugPublic(tx: PgTransaction, slug: string, at: number): Promise<void> {
  await tx
    .update(articleSlugs)
    .set({ publicAt: at })
    .where(and(eq(articleSlugs.slug, slug), isNull(articleSlugs.publicAt)));
}

/** The tags and credits the article's published revision links now. */
async function linksOf(tx: PgTransaction, articleId: string): Promise<Links> {
  const tagRows = await tx
    .select({ id: articleTags.tagId })
    .from(articleTags)
    .where(eq(articleTags.articleId, articleId));
  const creditRows = await tx
    .select({ id: articleCredits.creditId })
    .from(articleCredits)
    .where(eq(articleCredits.articleId, articleId));
  return { tags: tagRows.map((r) => r.id), credits: creditRows.map((r) => r.id) };
}

/**
 * The tags and credits that became or stopped being public as the article's links went from
 * `before` to what they are now. Who else carries them is counted under the outbox lock: of two
 * transactions taking the last two carriers of a tag away at once, the second counts after the
 * first committed and announces the tag's withdrawal (each alone would see the other's link).
 * Call it after the transaction's other writes: the lock is held until the commit.
 */
async function visibilityChanges(
  tx: PgTransaction,
  articleId: string,
  before: Links,
  at: number,
  writers: Pick<PgArticleWriters, 'lockOutbox'>,
): Promise<EventInput[]> {
  const after = await linksOf(tx, articleId);
  const changed = changedIds(before, after);
  if (changed.tags.length === 0 && changed.credits.length === 0) return [];
  await writers.lockOutbox(tx);
  const carried: { tags: Carried[]; credits: Carried[] } = { tags: [], credits: [] };
  if (changed.tags.length > 0) {
    carried.tags = await tx
      .select({
        id: tags.id,
        slug: tags.slug,
        name: tags.name,
        carriers:
          sql<number>`(select count(distinct ${articleTags.articleId}) from ${articleTags} where ${articleTags.tagId} = ${tags.id})`.mapWith(
            Number,
          ),
      })
      .from(tags)
      .where(inArray(tags.id, changed.tags));
  }
  if (changed.credits.length > 0) {
    carried.credits = await tx
      .select({
        id: credits.id,
        name: credits.name,
        carriers:
          sql<number>`(select count(distinct ${articleCredits.articleId}) from ${articleCredits} where ${articleCredits.creditId} = ${credits.id})`.mapWith(
            Number,
          ),
      })
      .from(credits)
      .where(inArray(credits.id, changed.credits));
  }
  return visibilityEvents(before, after, carried, at);
}

/**
 * Makes one revision the public one: the read-model columns, the slug, tag links and credit links
 * change together, so a reader never sees half a publication. A pending schedule is replaced by it.
 * The tags and credits it links are locked FOR SHARE (ensureTag, ensureCredit), so a concurrent
 * delete of one of them waits for this transaction, then sees the link and refuses.
 */
export async function writePublication(
  tx: PgTransaction,
  p: Publication,
  writers: PgArticleWriters,
  events: PendingEvents,
): Promise<ArticleRow> {
  const wasPublished = (await articleRow(tx, p.articleId)).status === 'published';
  const before = await linksOf(tx, p.articleId);
  const content = await snapshotOf(tx, p.articleId, p.revision);
  await claimSlug(tx, p.articleId, content.slug, p.at);
  await markSlugPublic(tx, content.slug, p.at);
  await tx.update(articles).set(publishedColumns(content, p)).where(eq(articles.id, p.articleId));
  await tx.delete(articleSchedules).where(eq(articleSchedules.articleId, p.articleId));
  // A schedule this publication replaced no longer holds the slug it would have published under.
  await releaseSlugs(tx, p.articleId);
  await tx.delete(articleTags).where(eq(articleTags.articleId, p.articleId));
  for (const [position, tag] of content.tags.entries()) {
    const tagId = await ensureTag(tx, tag, p.at, events);
    await tx
      .insert(articleTags)
      .values({ articleId: p.articleId, tagId, position, publishedAt: p.publishedAt })
      .onConflictDoNothing();
  }
  await tx.delete(articleCredits).where(eq(articleCredits.articleId, p.articleId));
  for (const [position, credit] of content.credits.entries()) {
    const creditId = await ensureCredit(tx, credit, p.at, events);
    await tx
      .insert(articleCredits)
      .values({ articleId: p.articleId, creditId, role: credit.role, position })
      .onConflictDoNothing();
  }
  await writers.indexDocument(tx, p.articleId, searchDocumentOf(content));
  if (p.audit) await writers.appendAudit(tx, { ...p.audit, at: p.at, articleId: p.articleId, subjectId: p.articleId });
  events.push(...(await visibilityChanges(tx, p.articleId, before, p.at, writers)));
  events.push(publicationEvent(wasPublished, content, p));
  return articleRow(tx, p.articleId);
}

/**
 * Takes an article out of the public API: the read model and the tag and credit links hold only
 * a published revision, so they are emptied (tag and credit counts drop with them). Adds to
 * `events` the tags and credits no published article carries any more.
 */
export async function clearPublication(
  tx: PgTransaction,
  articleId: string,
  status: 'draft' | 'archived',
  at: number,
  writers: Pick<PgArticleWriters, 'removeDocument' | 'lockOutbox'>,
  events: PendingEvents,
): Promise<void> {
  const before = await linksOf(tx, articleId);
  await tx.update(articles).set(withdrawnColumns(status, at)).where(eq(articles.id, articleId));
  await tx.delete(articleTags).where(eq(articleTags.articleId, articleId));
  await tx.delete(articleCredits).where(eq(articleCredits.articleId, articleId));
  await tx.delete(articleSchedules).where(eq(articleSchedules.articleId, articleId));
  // A cancelled schedule no longer holds the slug it would have published under.
  await releaseSlugs(tx, articleId);
  await writers.removeDocument(tx, articleId);
  events.push(...(await visibilityChanges(tx, articleId, before, at, writers)));
}
