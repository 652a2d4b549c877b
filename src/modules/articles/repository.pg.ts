import { and, asc, desc, eq, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import { toDomainError } from '../../db/errors.js';
import type { PgDatabase, PgTransaction } from '../../db/pg/client.js';
import {
  articleCredits,
  articleDocuments,
  articleRevisions,
  articleSlugs,
  articles,
  articleTags,
  credits,
  tags,
} from '../../db/pg/schema.js';
import { withTransaction } from '../../db/pg/tx.js';
import { slugCandidates, uniqueSlug } from '../../shared/slug.js';
import { teaserColumnsOf } from '../teasers/teaser.js';
import type { PendingEvents } from './catalogue.js';
import { catalogueContent } from './catalogue.pg.js';
import type { ArticleDocument } from './documents.js';
import { linksByArticle } from './links.js';
import { type PgArticleWriters, recordAll } from './publishing/publication.pg.js';
import type { ArticlesRepository, NewArticle, PublishedPageQuery } from './repository.js';
import type { NamedArticle } from './resolver.js';
import { revisionRow } from './revisions/revision-rows.js';

const teaserColumns = teaserColumnsOf(articles);
const documentColumns = { body: articleDocuments.body, etag: articleDocuments.etag, keys: articleDocuments.keys };
const entryColumns = {
  id: articles.id,
  publishedAt: articles.publishedAt,
  version: articleDocuments.version,
  teaser: articleDocuments.teaser,
};

/** Stores what a reader rendered; a failure (a slug another document holds, the database gone) only means the next read renders again. */
async function storeUnlessStale(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch {
    // nothing stored
  }
}

/** How many slug candidates one query checks: a title rarely collides more than a few times. */
const SLUG_BATCH = 16;

/**
 * The first free slug of slugCandidates(base), read a batch at a time. The read is part of the
 * SERIALIZABLE transaction, so a concurrent claim of the same slug makes one of the two retry.
 */
async function freeSlug(tx: PgTransaction, base: string): Promise<string> {
  const candidates = slugCandidates(base);
  for (;;) {
    const batch = Array.from({ length: SLUG_BATCH }, () => candidates.next().value);
    const rows = await tx
      .select({ slug: articleSlugs.slug })
      .from(articleSlugs)
      .where(inArray(articleSlugs.slug, batch));
    const taken = new Set(rows.map((r) => r.slug));
    if (batch.some((slug) => !taken.has(slug))) return uniqueSlug(base, (slug) => taken.has(slug));
  }
}

/** The conditions of a list page, shared by the teaser rows and the stored teasers. */
function pageConditions(q: PublishedPageQuery): SQL[] {
  const conditions: SQL[] = [eq(articles.status, 'published')];
  if (q.lang !== undefined) conditions.push(eq(articles.lang, q.lang));
  if (q.after) {
    conditions.push(sql`(${articles.publishedAt}, ${articles.id}) < (${q.after[0]}, ${q.after[1]})`);
  }
  return conditions;
}

/**
 * The tag's id as a value the planner knows before it runs the page. Joined to `tags` instead,
 * PostgreSQL cannot take the page's order from the (tag_id, published_at, article_id) index across
 * the join: it read and sorted every link of the tag for 21 of them (245 ms for 1,150 links, against
 * 0.5 ms walking the index backward with the id given).
 */
const tagIdOf = (slug: string) => sql`(select ${tags.id} from ${tags} where ${tags.slug} = ${slug})`;

/** The conditions on a tag's links, which walk the tag's own (tag_id, published_at, article_id) index. */
function tagLinkConditions(q: PublishedPageQuery & { tag: string }): SQL[] {
  const conditions: SQL[] = [sql`${articleTags.tagId} = ${tagIdOf(q.tag)}`];
  if (q.lang !== undefined) conditions.push(eq(articles.lang, q.lang));
  if (q.after) {
    conditions.push(sql`(${articleTags.publishedAt}, ${articleTags.articleId}) < (${q.after[0]}, ${q.after[1]})`);
  }
  return conditions;
}

/** The conditions of a tag page read from `articles`: the tag's links, of published articles. */
function tagPageConditions(q: PublishedPageQuery & { tag: string }): SQL[] {
  return [...tagLinkConditions(q), eq(articles.status, 'published')];
}

/** A list page's entries: the articles in the page's order and their stored teasers. */
function listEntries(db: PgDatabase, q: PublishedPageQuery) {
  return db
    .select(entryColumns)
    .from(articles)
    .leftJoin(articleDocuments, eq(articleDocuments.articleId, articles.id))
    .where(and(...pageConditions(q)))
    .orderBy(desc(articles.publishedAt), desc(articles.id))
    .limit(q.limit + 1);
}

/**
 * A tag page's entries from the tag's (tag_id, published_at, article_id) index and the stored
 * teasers: article_tags holds only published articles' links (publication.pg.ts writes and clears
 * them with the read model), so `articles` is read only for a language to filter on.
 */
function tagEntries(db: PgDatabase, q: PublishedPageQuery & { tag: string }) {
  const links = db
    .select({
      id: articleTags.articleId,
      publishedAt: articleTags.publishedAt,
      version: articleDocuments.version,
      teaser: articleDocuments.teaser,
    })
    .from(articleTags)
    .$dynamic();
  const filtered = q.lang !== undefined ? links.innerJoin(articles, eq(articles.id, articleTags.articleId)) : links;
  return filtered
    .leftJoin(articleDocuments, eq(articleDocuments.articleId, articleTags.articleId))
    .where(and(...tagLinkConditions(q)))
    .orderBy(desc(articleTags.publishedAt), desc(articleTags.articleId))
    .limit(q.limit + 1);
}

/** articles/repository.ts on PostgreSQL: the same reads, and the insert as one serializable transaction. */
export function createPgArticlesRepository(
  db: PgDatabase,
  writers: Pick<PgArticleWriters, 'appendAudit' | 'recordEvent'>,
): ArticlesRepository {
  return {
    async findDocumentById(id) {
      const [found] = await db
        .select(documentColumns)
        .from(articleDocuments)
        .where(and(eq(articleDocuments.articleId, id), isNotNull(articleDocuments.body)));
      return found as ArticleDocument | undefined;
    },

    async findDocumentBySlug(slug) {
      const [found] = await db
        .select(documentColumns)
        .from(articleDocuments)
        .where(and(eq(articleDocuments.slug, slug), isNotNull(articleDocuments.body)));
      return found as ArticleDocument | undefined;
    },

    async findDocumentSource(id) {
      const [found] = await db
        .select({ row: articles, version: articleDocuments.version })
        .from(articles)
        .leftJoin(articleDocuments, eq(articleDocuments.articleId, articles.id))
        .where(and(eq(articles.id, id), eq(articles.status, 'published')));
      return found;
    },

    // The row is locked first, skipping it when a writer holds it: a reader never waits for a write
    // (an open transaction elsewhere would hold its connection), and one that committed since the
    // render was read bumped the version, which READ COMMITTED checks again on the locked row.
    async storeDocuments(id, version, documents) {
      await storeUnlessStale(() =>
        db.execute(sql`
          update article_documents d
          set slug = ${documents.slug}, teaser = ${documents.teaser}, etag = ${documents.etag},
              keys = ${documents.keys}, body = ${documents.body}
          where d.article_id = (select article_id from article_documents where article_id = ${id} for update skip locked)
            and d.version = ${version}`),
      );
    },

    async storeTeasers(teasers) {
      if (teasers.length === 0) return;
      // One array parameter per column (a bare JS array would be spread into a list of parameters).
      const ids = sql.param(teasers.map((t) => t.id));
      const versions = sql.param(teasers.map((t) => t.version));
      const texts = sql.param(teasers.map((t) => t.teaser));
      await storeUnlessStale(() =>
        db.execute(sql`
          update article_documents d set teaser = v.teaser
          from unnest(${ids}::text[], ${versions}::int[], ${texts}::text[]) as v(id, version, teaser)
          where d.article_id = v.id and d.version = v.version
            and d.article_id in (select article_id from article_documents where article_id = any(${ids}::text[]) for update skip locked)`),
      );
    },

    // Published only: an article withdrawn since the page was read is left out, not shown as its draft.
    async teaserRowsOf(ids) {
      return db
        .select(teaserColumns)
        .from(articles)
        .where(and(inArray(articles.id, [...ids]), eq(articles.status, 'published')));
    },

    // A stored teaser arrives as text and leaves as its UTF-8 bytes, the form a page is joined in.
    async findTeaserPage(q) {
      const entries = q.tag ? await tagEntries(db, { ...q, tag: q.tag }) : await listEntries(db, q);
      return entries.map((e) => ({ ...e, teaser: e.teaser === null ? null : Buffer.from(e.teaser) }));
    },

    async insert(input: NewArticle) {
      try {
        return await withTransaction(db, async (tx) => {
          const slug = await freeSlug(tx, input.content.slug);
          const events: PendingEvents = [];
          const content = await catalogueContent(tx, { ...input.content, slug }, input.at, events);
          await tx.insert(articles).values({
            id: input.id,
            slug,
            lang: input.lang,
            status: 'draft',
            headRevision: 0,
            commentsOpen: input.commentsOpen,
            aiGenerated: content.ai_generated,
            createdAt: input.at,
            updatedAt: input.at,
          });
          await tx.insert(articleSlugs).values({ slug, articleId: input.id, createdAt: input.at });
          const [head] = await tx
            .update(articles)
            .set({ headRevision: sql`${articles.headRevision} + 1` })
            .where(eq(articles.id, input.id))
            .returning({ headRevision: articles.headRevision });
          if (!head) throw new Error('article vanished inside its transaction');
          await tx
            .insert(articleRevisions)
            .values(revisionRow({ ...input, articleId: input.id, number: head.headRevision, content }));
          if (input.audit) {
            await writers.appendAudit(tx, { ...input.audit, at: input.at, articleId: input.id, subjectId: input.id });
          }
          await recordAll(tx, events, writers);
          const [row] = await tx.select().from(articles).where(eq(articles.id, input.id));
          if (!row) throw new Error('article vanished inside its transaction');
          return row;
        });
      } catch (err) {
        throw toDomainError(err, 'article');
      }
    },

    async findPublishedById(id) {
      const [row] = await db
        .select()
        .from(articles)
        .where(and(eq(articles.id, id), eq(articles.status, 'published')));
      return row;
    },

    // One round trip: every match by id, current slug and slug of before; the resolver picks one.
    async findAllByName(name) {
      const { rows } = await db.execute<{
        id: string;
        slug: string;
        status: NamedArticle['status'];
        comments_open: boolean;
        match: NamedArticle['match'];
        was_public: boolean;
      }>(sql`
        select id, slug, status, comments_open, 'id' as match, false as was_public
        from articles where id = ${name}
        union all
        select id, slug, status, comments_open, 'slug', false from articles where slug = ${name}
        union all
        select a.id, a.slug, a.status, a.comments_open, 'former', s.public_at is not null
        from article_slugs s join articles a on a.id = s.article_id where s.slug = ${name}`);
      return rows.map((row) => ({
        id: row.id,
        slug: row.slug,
        status: row.status,
        commentsOpen: row.comments_open,
        match: row.match,
        wasPublic: row.was_public,
      }));
    },

    // Conditions are built per query shape, as on SQLite, so each keeps its index seek.
    async findPublishedPage(q) {
      if (q.tag) {
        const conditions = tagPageConditions({ ...q, tag: q.tag });
        return db
          .select(teaserColumns)
          .from(articleTags)
          .innerJoin(articles, eq(articles.id, articleTags.articleId))
          .where(and(...conditions))
          .orderBy(desc(articleTags.publishedAt), desc(articleTags.articleId))
          .limit(q.limit + 1);
      }
      const conditions = pageConditions(q);
      return db
        .select(teaserColumns)
        .from(articles)
        .where(and(...conditions))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(q.limit + 1);
    },

    async tagsFor(articleIds) {
      return linksByArticle(articleIds, () =>
        db
          .select({ articleId: articleTags.articleId, slug: tags.slug, name: tags.name })
          .from(articleTags)
          .innerJoin(tags, eq(tags.id, articleTags.tagId))
          .where(inArray(articleTags.articleId, articleIds))
          .orderBy(asc(articleTags.articleId), asc(articleTags.position)),
      );
    },

    async creditsFor(articleIds) {
      return linksByArticle(articleIds, () =>
        db
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
          .orderBy(asc(articleCredits.articleId), asc(articleCredits.position)),
      );
    },

    async findTagNames(slugs) {
      if (slugs.length === 0) return new Map();
      const rows = await db.select({ slug: tags.slug, name: tags.name }).from(tags).where(inArray(tags.slug, slugs));
      return new Map(rows.map((r) => [r.slug, r.name]));
    },

    async findCredit(id) {
      const [row] = await db.select().from(credits).where(eq(credits.id, id));
      return row;
    },

    async hasAny() {
      const rows = await db.select({ id: articles.id }).from(articles).limit(1);
      return rows.length > 0;
    },
  };
}
