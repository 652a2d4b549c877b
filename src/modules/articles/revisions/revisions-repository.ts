import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { groupWriterOf } from '../../../db/group-commit.js';
import { articleRevisions, articleSchedules, articles } from '../../../db/schema.js';
import { NotFoundError } from '../../../errors.js';
import type { AuditEntry } from '../../audit/repository.js';
import { type PendingEvents, preparedCatalogue } from '../catalogue.js';
import { type EditorStatus, editorStatusFilter, type StatusColumns } from '../editor-status.js';
import { type ArticleWriters, claimSlug, recordAll, releaseSlugs } from '../publishing/publication.js';
import type { ArticleContent } from '../schemas.js';
import { revisionAudit, revisionRow, settingEvent, slugPlan } from './revision-rows.js';

export type { EditorStatus } from '../editor-status.js';

type ArticleRow = typeof articles.$inferSelect;
export type RevisionRow = typeof articleRevisions.$inferSelect;
export type ScheduleRow = typeof articleSchedules.$inferSelect;
type AuditFields = Omit<AuditEntry, 'at' | 'articleId' | 'subjectId'>;
type Reader = Pick<Database, 'select'>;

/** An article as editors see it: its row, its head revision and its pending schedule. */
export interface EditorRecord {
  article: ArticleRow;
  head: RevisionRow;
  schedule: ScheduleRow | null;
}

export interface StoredRevision {
  number: number;
  content: ArticleContent;
}

export type RevisionDecision =
  | { kind: 'noop' }
  | { kind: 'write'; content: ArticleContent; changedFields: string[]; mergedOnto: number | null; audit: AuditFields };

export interface RevisionCommand {
  articleId: string;
  at: number;
  author: string;
  authorTokenId: number | null;
  message: string | null;
  /** The revision the edit was made from. */
  base: number;
  /**
   * Runs inside the transaction, against the head as it is at that moment and the base revision
   * (undefined when the article has none of that number), so two concurrent writers cannot both
   * decide against the same head. Pure and synchronous, the same on every engine; it may throw.
   */
  decide(head: StoredRevision, base: StoredRevision | undefined): RevisionDecision;
}

export interface CommitResult {
  /** False when the decision was a noop and nothing was written. */
  written: boolean;
  record: EditorRecord;
  /** The head the written revision was merged onto, as decided; null when none or nothing was written. */
  mergedOnto: number | null;
}

const editorSelect = (db: Reader) =>
  db
    .select({ article: articles, head: articleRevisions, schedule: articleSchedules })
    .from(articles)
    .innerJoin(
      articleRevisions,
      and(eq(articleRevisions.articleId, articles.id), eq(articleRevisions.number, articles.headRevision)),
    )
    .leftJoin(articleSchedules, eq(articleSchedules.articleId, articles.id));

const statusColumns: StatusColumns = {
  status: articles.status,
  scheduleArticleId: articleSchedules.articleId,
  scheduleFailedAt: articleSchedules.failedAt,
};

/** What an article shows readers, as a setting change returns it (see settingEvent). */
const publicFacts = {
  status: articles.status,
  slug: articles.slug,
  title: articles.title,
  revision: articles.publishedRevision,
};

export function createRevisionsRepository(db: Database, writers: Pick<ArticleWriters, 'appendAudit' | 'recordEvent'>) {
  // An editor's POST runs on statements prepared once; building SQL per request cost more than the
  // write. Prepared on the connection, they run inside its transactions too.
  const recordById = editorSelect(db)
    .where(eq(articles.id, sql.placeholder('id')))
    .prepare();
  const snapshotOf = db
    .select({ snapshot: articleRevisions.snapshot })
    .from(articleRevisions)
    .where(
      and(eq(articleRevisions.articleId, sql.placeholder('id')), eq(articleRevisions.number, sql.placeholder('n'))),
    )
    .prepare();
  const bumpHead = (withSlug: boolean) =>
    db
      .update(articles)
      .set({
        headRevision: sql`${articles.headRevision} + 1`,
        updatedAt: sql`${sql.placeholder('at')}`,
        ...(withSlug ? { slug: sql`${sql.placeholder('slug')}` } : {}),
      })
      .where(eq(articles.id, sql.placeholder('id')))
      .returning()
      .prepare();
  const bumpHeadAndSlug = bumpHead(true);
  const bumpHeadOnly = bumpHead(false);
  const insertRevision = db
    .insert(articleRevisions)
    .values({
      articleId: sql.placeholder('articleId'),
      number: sql.placeholder('number'),
      snapshot: sql.placeholder('snapshot'),
      changedFields: sql.placeholder('changedFields'),
      message: sql.placeholder('message'),
      author: sql.placeholder('author'),
      authorTokenId: sql.placeholder('authorTokenId'),
      mergedOnto: sql.placeholder('mergedOnto'),
      createdAt: sql.placeholder('createdAt'),
    })
    .returning()
    .prepare();
  // A commit reads the article and its schedule, then builds the record it returns from the rows it
  // writes: the head revision's snapshot is read once, and the joined record not at all.
  const articleWithSchedule = db
    .select({ article: articles, schedule: articleSchedules })
    .from(articles)
    .leftJoin(articleSchedules, eq(articleSchedules.articleId, articles.id))
    .where(eq(articles.id, sql.placeholder('id')))
    .prepare();

  const write = groupWriterOf(db);
  const catalogue = preparedCatalogue(db);

  function recordOf(id: string): EditorRecord {
    const record = recordById.get({ id });
    if (!record) throw new NotFoundError(`No article with id ${id}`);
    return record;
  }

  const loader =
    (articleId: string) =>
    (n: number): StoredRevision | undefined => {
      const row = snapshotOf.get({ id: articleId, n });
      return row && { number: n, content: JSON.parse(row.snapshot) as ArticleContent };
    };

  return {
    /**
     * Appends one revision, numbered by the atomic head_revision increment, with its audit row.
     * Concurrent commits share one transaction (group commit), each in its own savepoint: one
     * refused (a conflict, a slug taken) rolls back alone, and each sees the heads written before it.
     */
    async commit(cmd: RevisionCommand): Promise<CommitResult> {
      return write((tx) => {
        const found = articleWithSchedule.get({ id: cmd.articleId });
        if (!found) throw new NotFoundError(`No article with id ${cmd.articleId}`);
        const { article, schedule } = found;
        const revision = loader(cmd.articleId);
        const head = revision(article.headRevision);
        if (!head) throw new Error(`head revision of ${cmd.articleId} is missing`);
        const decision = cmd.decide(head, cmd.base === head.number ? head : revision(cmd.base));
        if (decision.kind === 'noop') return { written: false, record: recordOf(cmd.articleId), mergedOnto: null };
        const events: PendingEvents = [];
        const content = catalogue(decision.content, cmd.at, events);
        const plan = slugPlan(article, head.content.slug, content.slug);
        if (plan.slugs === 'claim') claimSlug(tx, cmd.articleId, content.slug, cmd.at);
        // Numbered by the atomic increment, never max(number) + 1, which races on PostgreSQL.
        const bumped = (plan.moveArticleSlug ? bumpHeadAndSlug : bumpHeadOnly).get({
          id: cmd.articleId,
          at: cmd.at,
          slug: content.slug,
        });
        if (!bumped) throw new Error(`article ${cmd.articleId} vanished inside its transaction`);
        const number = bumped.headRevision;
        if (number !== head.number + 1) throw new Error(`head of ${cmd.articleId} moved during its transaction`);
        const written = insertRevision.get(revisionRow({ ...cmd, ...decision, number, content }));
        if (!written) throw new Error(`revision ${number} of ${cmd.articleId} was not stored`);
        // Once the head is written: the slug it moved away from is released if nothing else holds it.
        if (plan.slugs === 'claim') releaseSlugs(tx, cmd.articleId);
        writers.appendAudit(tx, revisionAudit(cmd, decision.audit, number));
        recordAll(tx, events, writers);
        // Nothing after the bump writes the article row: it is the record's as it commits.
        return { written: true, record: { article: bumped, head: written, schedule }, mergedOnto: decision.mergedOnto };
      });
    },

    async findRecord(id: string): Promise<EditorRecord | undefined> {
      return recordById.get({ id });
    },

    /** Newest change first, keyset on (updated_at, id); returns up to limit + 1 records. */
    async findRecordPage(q: {
      status?: EditorStatus | undefined;
      lang?: string | undefined;
      limit: number;
      after: readonly [updatedAt: number, id: string] | null;
    }): Promise<EditorRecord[]> {
      const conditions: (SQL | undefined)[] = [];
      if (q.status) conditions.push(editorStatusFilter(q.status, statusColumns));
      if (q.lang) conditions.push(eq(articles.lang, q.lang));
      if (q.after) conditions.push(sql`(${articles.updatedAt}, ${articles.id}) < (${q.after[0]}, ${q.after[1]})`);
      return editorSelect(db)
        .where(and(...conditions))
        .orderBy(desc(articles.updatedAt), desc(articles.id))
        .limit(q.limit + 1)
        .all();
    },

    async findRevision(articleId: string, number: number): Promise<RevisionRow | undefined> {
      return db
        .select()
        .from(articleRevisions)
        .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, number)))
        .get();
    },

    /** Newest first; returns up to limit + 1 rows. */
    async findRevisionPage(articleId: string, limit: number, before: number | null): Promise<RevisionRow[]> {
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
        .limit(limit + 1)
        .all();
    },

    /** Comments open or closed is a setting of the article, not of its content: no revision is made. */
    async setCommentsOpen(articleId: string, open: boolean, at: number, audit: AuditFields): Promise<EditorRecord> {
      return db.transaction((tx) => {
        const changed = tx
          .update(articles)
          .set({ commentsOpen: open, updatedAt: at })
          .where(eq(articles.id, articleId))
          .returning(publicFacts)
          .get();
        writers.appendAudit(tx, { ...audit, at, articleId, subjectId: articleId });
        // comments_open is part of the public article: readers of a published one see it change.
        if (changed?.status === 'published') writers.recordEvent(tx, settingEvent(articleId, changed, at));
        return recordOf(articleId);
      });
    },
  };
}

export type RevisionsRepository = ReturnType<typeof createRevisionsRepository>;
