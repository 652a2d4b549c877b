import { and, asc, count, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { toDomainError } from '../../db/errors.js';
import {
  articleCredits,
  articleRevisions,
  articleSlugs,
  articles,
  articleTags,
  credits,
  tags,
} from '../../db/schema.js';
import { uniqueSlug } from '../../shared/slug.js';
import { type AuditEntry, appendAudit } from '../audit/repository.js';
import { indexDocument } from '../search/repository.js';
import type { ArticleContent } from './schemas.js';

export type ArticleRow = typeof articles.$inferSelect;
export type RevisionRow = typeof articleRevisions.$inferSelect;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface TagLink {
  slug: string;
  name: string;
}
export interface CreditLink {
  id: number;
  role: string;
  name: string;
  organization: string | null;
  url: string | null;
  license: string | null;
}

export interface PublishedPageQuery {
  limit: number;
  after: readonly [publishedAt: number, id: string] | null;
  tag?: string | undefined;
  lang?: string | undefined;
}

export interface NewArticle {
  id: string;
  lang: string;
  commentsOpen: boolean;
  content: ArticleContent;
  author: string;
  authorTokenId: number | null;
  message: string | null;
  at: number;
  audit?: Omit<AuditEntry, 'at' | 'articleId' | 'subjectId'>;
}

export interface Publication {
  articleId: string;
  revision: number;
  /** When the article counts as published; kept from the first publication unless given anew. */
  publishedAt: number;
  bodyHtml: string;
  at: number;
  audit?: Omit<AuditEntry, 'at' | 'articleId' | 'subjectId'>;
}

/** Finds a tag by slug or creates it; used when content names tags the catalogue lacks. */
function ensureTag(tx: Tx, tag: TagLink, at: number): number {
  tx.insert(tags)
    .values({ slug: tag.slug, name: tag.name, createdAt: at, updatedAt: at })
    .onConflictDoNothing({ target: tags.slug })
    .run();
  const row = tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, tag.slug)).get();
  if (!row) throw new Error(`tag ${tag.slug} vanished inside its transaction`);
  return row.id;
}

/** A snapshot credit whose catalogue row was deleted is recreated from the snapshot's values. */
function ensureCredit(tx: Tx, credit: ArticleContent['credits'][number], at: number): number {
  if (credit.credit_id !== null) {
    const existing = tx.select({ id: credits.id }).from(credits).where(eq(credits.id, credit.credit_id)).get();
    if (existing) return existing.id;
  }
  return tx
    .insert(credits)
    .values({
      name: credit.name,
      organization: credit.organization,
      url: credit.url,
      license: credit.license,
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: credits.id })
    .get().id;
}

/** Matches a credit given by value to the catalogue (same name and organization) or adds it. */
function findOrCreateCredit(tx: Tx, credit: ArticleContent['credits'][number], at: number): number {
  const organization =
    credit.organization === null ? sql`${credits.organization} is null` : eq(credits.organization, credit.organization);
  const existing = tx
    .select({ id: credits.id })
    .from(credits)
    .where(and(eq(credits.name, credit.name), organization))
    .get();
  return existing ? existing.id : ensureCredit(tx, { ...credit, credit_id: null }, at);
}

/** Gives every tag and credit of new content a catalogue entry, and the snapshot the credits' ids. */
export function catalogueContent(tx: Tx, content: ArticleContent, at: number): ArticleContent {
  for (const tag of content.tags) ensureTag(tx, tag, at);
  return {
    ...content,
    credits: content.credits.map((c) =>
      c.credit_id !== null ? c : { ...c, credit_id: findOrCreateCredit(tx, c, at) },
    ),
  };
}

export function createArticlesRepository(db: Database) {
  const slugTaken = db
    .select({ slug: articleSlugs.slug })
    .from(articleSlugs)
    .where(eq(articleSlugs.slug, sql.placeholder('slug')))
    .prepare();
  const publishedBySlug = db
    .select()
    .from(articles)
    .where(and(eq(articles.slug, sql.placeholder('slug')), eq(articles.status, 'published')))
    .prepare();

  return {
    /** Creates an article with its revision 1 in one transaction; the slug gets a -2, -3... suffix on collision. */
    async insert(input: NewArticle): Promise<ArticleRow> {
      try {
        return db.transaction((tx) => {
          const slug = uniqueSlug(input.content.slug, (s) => slugTaken.get({ slug: s }) !== undefined);
          const content = catalogueContent(tx, { ...input.content, slug }, input.at);
          tx.insert(articles)
            .values({
              id: input.id,
              slug,
              lang: input.lang,
              status: 'draft',
              headRevision: 0,
              commentsOpen: input.commentsOpen,
              aiGenerated: content.ai_generated,
              createdAt: input.at,
              updatedAt: input.at,
            })
            .run();
          tx.insert(articleSlugs).values({ slug, articleId: input.id, createdAt: input.at }).run();
          const { headRevision } = tx
            .update(articles)
            .set({ headRevision: sql`${articles.headRevision} + 1` })
            .where(eq(articles.id, input.id))
            .returning({ headRevision: articles.headRevision })
            .get();
          tx.insert(articleRevisions)
            .values({
              articleId: input.id,
              number: headRevision,
              snapshot: JSON.stringify(content),
              changedFields: JSON.stringify(Object.keys(content)),
              message: input.message,
              author: input.author,
              authorTokenId: input.authorTokenId,
              createdAt: input.at,
            })
            .run();
          if (input.audit) appendAudit(tx, { ...input.audit, at: input.at, articleId: input.id, subjectId: input.id });
          const row = tx.select().from(articles).where(eq(articles.id, input.id)).get();
          if (!row) throw new Error('article vanished inside its transaction');
          return row;
        });
      } catch (err) {
        throw toDomainError(err, 'article');
      }
    },

    /**
     * Makes one revision the public one: the read-model columns, tag links and credit links
     * change together, so a reader never sees half a publication.
     */
    async publish(p: Publication): Promise<ArticleRow> {
      return db.transaction((tx) => {
        const revision = tx
          .select({ snapshot: articleRevisions.snapshot })
          .from(articleRevisions)
          .where(and(eq(articleRevisions.articleId, p.articleId), eq(articleRevisions.number, p.revision)))
          .get();
        if (!revision) throw new Error(`revision ${p.revision} of ${p.articleId} does not exist`);
        const content = JSON.parse(revision.snapshot) as ArticleContent;
        tx.update(articles)
          .set({
            status: 'published',
            publishedRevision: p.revision,
            publishedAt: p.publishedAt,
            title: content.title,
            standfirst: content.standfirst,
            body: content.body,
            bodyHtml: p.bodyHtml,
            heroImage: content.hero_image ? JSON.stringify(content.hero_image) : null,
            source: content.source ? JSON.stringify(content.source) : null,
            aiGenerated: content.ai_generated,
            updatedAt: p.at,
          })
          .where(eq(articles.id, p.articleId))
          .run();
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
        const row = tx.select().from(articles).where(eq(articles.id, p.articleId)).get();
        if (!row) throw new Error('article vanished inside its transaction');
        return row;
      });
    },

    async findById(id: string): Promise<ArticleRow | undefined> {
      return db.select().from(articles).where(eq(articles.id, id)).get();
    },

    async findPublishedBySlug(slug: string): Promise<ArticleRow | undefined> {
      return publishedBySlug.get({ slug });
    },

    async findRevision(articleId: string, number: number): Promise<RevisionRow | undefined> {
      return db
        .select()
        .from(articleRevisions)
        .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, number)))
        .get();
    },

    /** One page of published articles, newest first, keyset on (published_at, id); returns up to limit + 1 rows. */
    async findPublishedPage(q: PublishedPageQuery): Promise<ArticleRow[]> {
      const conditions: SQL[] = [eq(articles.status, 'published')];
      if (q.lang) conditions.push(eq(articles.lang, q.lang));
      if (q.tag) {
        const tagId = db.select({ id: tags.id }).from(tags).where(eq(tags.slug, q.tag)).get()?.id;
        if (tagId === undefined) return [];
        if (q.after)
          conditions.push(sql`(${articleTags.publishedAt}, ${articleTags.articleId}) < (${q.after[0]}, ${q.after[1]})`);
        return db
          .select({ article: articles })
          .from(articleTags)
          .innerJoin(articles, eq(articles.id, articleTags.articleId))
          .where(and(eq(articleTags.tagId, tagId), ...conditions))
          .orderBy(desc(articleTags.publishedAt), desc(articleTags.articleId))
          .limit(q.limit + 1)
          .all()
          .map((r) => r.article);
      }
      if (q.after) conditions.push(sql`(${articles.publishedAt}, ${articles.id}) < (${q.after[0]}, ${q.after[1]})`);
      return db
        .select()
        .from(articles)
        .where(and(...conditions))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(q.limit + 1)
        .all();
    },

    /** The current tags of many articles in one query, in each article's order. */
    async tagsFor(articleIds: string[]): Promise<Map<string, TagLink[]>> {
      const byArticle = new Map<string, TagLink[]>(articleIds.map((id) => [id, []]));
      if (articleIds.length === 0) return byArticle;
      const rows = db
        .select({ articleId: articleTags.articleId, slug: tags.slug, name: tags.name })
        .from(articleTags)
        .innerJoin(tags, eq(tags.id, articleTags.tagId))
        .where(inArray(articleTags.articleId, articleIds))
        .orderBy(asc(articleTags.articleId), asc(articleTags.position))
        .all();
      for (const { articleId, slug, name } of rows) byArticle.get(articleId)?.push({ slug, name });
      return byArticle;
    },

    /** The current credits of many articles in one query, in each article's order. */
    async creditsFor(articleIds: string[]): Promise<Map<string, CreditLink[]>> {
      const byArticle = new Map<string, CreditLink[]>(articleIds.map((id) => [id, []]));
      if (articleIds.length === 0) return byArticle;
      const rows = db
        .select({
          articleId: articleCredits.articleId,
          id: credits.id,
          role: articleCredits.role,
          name: credits.name,
          organization: credits.organization,
          url: credits.url,
          license: credits.license,
        })
        .from(articleCredits)
        .innerJoin(credits, eq(credits.id, articleCredits.creditId))
        .where(inArray(articleCredits.articleId, articleIds))
        .orderBy(asc(articleCredits.articleId), asc(articleCredits.position))
        .all();
      for (const { articleId, ...credit } of rows) byArticle.get(articleId)?.push(credit);
      return byArticle;
    },

    /** Catalogue names of the given tag slugs, for content that names tags by slug. */
    async findTagNames(slugs: string[]): Promise<Map<string, string>> {
      if (slugs.length === 0) return new Map();
      const rows = db.select({ slug: tags.slug, name: tags.name }).from(tags).where(inArray(tags.slug, slugs)).all();
      return new Map(rows.map((r) => [r.slug, r.name]));
    },

    async findCredit(id: number): Promise<typeof credits.$inferSelect | undefined> {
      return db.select().from(credits).where(eq(credits.id, id)).get();
    },

    async countAll(): Promise<number> {
      return db.select({ n: count() }).from(articles).get()?.n ?? 0;
    },

    async findBySlugAnyStatus(slug: string): Promise<ArticleRow | undefined> {
      return db.select().from(articles).where(eq(articles.slug, slug)).get();
    },
  };
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;
