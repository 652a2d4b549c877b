import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgExecutor, PgTransaction } from '../../../db/pg/client.js';
import { articleRevisions, articleSchedules, articles } from '../../../db/pg/schema.js';
import { withLockingTransaction } from '../../../db/pg/tx.js';
import { NotFoundError } from '../../../errors.js';
import type { PendingEvents } from '../catalogue.js';
import { catalogueContent } from '../catalogue.pg.js';
import { editorStatusFilter, type StatusColumns } from '../editor-status.js';
import {
  claimSlug,
  lockArticle,
  type PgArticleWriters,
  recordAll,
  releaseSlugs,
} from '../publishing/publication.pg.js';
import type { ArticleContent } from '../schemas.js';
import { revisionAudit, revisionRow, settingEvent, slugPlan } from './revision-rows.js';
import type { EditorRecord, RevisionsRepository, StoredRevision } from './revisions-repository.js';

const statusColumns: StatusColumns = {
  status: articles.status,
  scheduleArticleId: articleSchedules.articleId,
  scheduleFailedAt: articleSchedules.failedAt,
};

const editorSelect = (db: PgExecutor) =>
  db
    .select({ article: articles, head: articleRevisions, schedule: articleSchedules })
    .from(articles)
    .innerJoin(
      articleRevisions,
      and(eq(articleRevisions.articleId, articles.id), eq(articleRevisions.number, articles.headRevision)),
    )
    .leftJoin(articleSchedules, eq(articleSchedules.articleId, articles.id));

async function recordOf(db: PgExecutor, id: string): Promise<EditorRecord | undefined> {
  const [record] = await editorSelect(db).where(eq(articles.id, id));
  return record;
}

async function revisionOf(tx: PgTransaction, articleId: string, n: number): Promise<StoredRevision | undefined> {
  const [row] = await tx
    .select({ snapshot: articleRevisions.snapshot })
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, n)));
  return row && { number: n, content: JSON.parse(row.snapshot) as ArticleContent };
}

async function existingRecord(tx: PgTransaction, id: string): Promise<EditorRecord> {
  const record = await recordOf(tx, id);
  if (!record) throw new NotFoundError(`No article with id ${id}`);
  return record;
}

/**
 * The revisions repository on PostgreSQL. A commit locks the article row first, at READ COMMITTED,
 * so concurrent commits on one article queue: each decides against the head the previous one
 * wrote, and gets the next number, however many wait (under SERIALIZABLE each one that waited
 * would fail once granted the lock and be tried again, and past a dozen some would get a 503). The decision itself is the caller's pure `decide`, the same on both engines.
 */
/** What an article shows readers, as a setting change returns it (see settingEvent). */
const publicFacts = {
  status: articles.status,
  slug: articles.slug,
  title: articles.title,
  revision: articles.publishedRevision,
};

export function createPgRevisionsRepository(
  db: PgDatabase,
  writers: Pick<PgArticleWriters, 'appendAudit' | 'recordEvent'>,
): RevisionsRepository {
  return {
    async commit(cmd) {
      return withLockingTransaction(db, async (tx) => {
        const article = await lockArticle(tx, cmd.articleId);
        if (!article) throw new NotFoundError(`No article with id ${cmd.articleId}`);
        const head = await revisionOf(tx, cmd.articleId, article.headRevision);
        if (!head) throw new Error(`head revision of ${cmd.articleId} is missing`);
        const base = cmd.base === head.number ? head : await revisionOf(tx, cmd.articleId, cmd.base);
        const decision = cmd.decide(head, base);
        if (decision.kind === 'noop') {
          return { written: false, record: await existingRecord(tx, cmd.articleId), mergedOnto: null };
        }
        const events: PendingEvents = [];
        const content = await catalogueContent(tx, decision.content, cmd.at, events);
        const plan = slugPlan(article, head.content.slug, content.slug);
        if (plan.slugs === 'claim') await claimSlug(tx, cmd.articleId, content.slug, cmd.at);
        // Numbered by the atomic increment, never max(number) + 1; the row lock makes it head + 1.
        const [bumped] = await tx
          .update(articles)
          .set({
            headRevision: sql`${articles.headRevision} + 1`,
            updatedAt: cmd.at,
            ...(plan.moveArticleSlug ? { slug: content.slug } : {}),
          })
          .where(eq(articles.id, cmd.articleId))
          .returning({ number: articles.headRevision });
        if (!bumped) throw new Error(`article ${cmd.articleId} vanished inside its transaction`);
        const { number } = bumped;
        if (number !== head.number + 1) throw new Error(`head of ${cmd.articleId} moved during its transaction`);
        await tx.insert(articleRevisions).values(revisionRow({ ...cmd, ...decision, number, content }));
        // Once the head is written: the slug it moved away from is released if nothing else holds it.
        if (plan.slugs === 'claim') await releaseSlugs(tx, cmd.articleId);
        await writers.appendAudit(tx, revisionAudit(cmd, decision.audit, number));
        await recordAll(tx, events, writers);
        return { written: true, record: await existingRecord(tx, cmd.articleId), mergedOnto: decision.mergedOnto };
      });
    },

    async findRecord(id) {
      return recordOf(db, id);
    },

    async findRecordPage(q) {
      const conditions: (SQL | undefined)[] = [];
      if (q.status) conditions.push(editorStatusFilter(q.status, statusColumns));
      if (q.lang) conditions.push(eq(articles.lang, q.lang));
      if (q.after) conditions.push(sql`(${articles.updatedAt}, ${articles.id}) < (${q.after[0]}, ${q.after[1]})`);
      return editorSelect(db)
        .where(and(...conditions))
        .orderBy(desc(articles.updatedAt), desc(articles.id))
        .limit(q.limit + 1);
    },

    async findRevision(articleId, number) {
      const [row] = await db
        .select()
        .from(articleRevisions)
        .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, number)));
      return row;
    },

    async findRevisionPage(articleId, limit, before) {
      return db
        .select()
        .from(articleRevisions)
        .where(
          and(
            eq(articleRevisions.articleId, articleId),
            before === null ? undefined : lt(articleRevisions.number, before),
          ),
        )
        .orderBy(desc(articleRevisions.number))
        .limit(limit + 1);
    },

    async setCommentsOpen(articleId, open, at, audit) {
      return withLockingTransaction(db, async (tx) => {
        if (!(await lockArticle(tx, articleId))) throw new NotFoundError(`No article with id ${articleId}`);
        const [changed] = await tx
          .update(articles)
          .set({ commentsOpen: open, updatedAt: at })
          .where(eq(articles.id, articleId))
          .returning(publicFacts);
        await writers.appendAudit(tx, { ...audit, at, articleId, subjectId: articleId });
        if (changed?.status === 'published') await writers.recordEvent(tx, settingEvent(articleId, changed, at));
        return existingRecord(tx, articleId);
      });
    },
  };
}
