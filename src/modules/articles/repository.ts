import { and, asc, desc, eq, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { toDomainError, withoutWaiting } from '../../db/errors.js';
import { groupWriterOf } from '../../db/group-commit.js';
import {
  articleCredits,
  articleDocuments,
  articleRevisions,
  articleSlugs,
  articles,
  articleTags,
  credits,
  tags,
} from '../../db/schema.js';
import { uniqueSlug } from '../../shared/slug.js';
import type { AuditEntry } from '../audit/repository.js';
import { type TeaserRow, teaserColumnsOf } from '../teasers/teaser.js';
import { type PendingEvents, preparedCatalogue, type TagLink } from './catalogue.js';
import type { ArticleDocument, RenderedDocuments } from './documents.js';
import { linksByArticle } from './links.js';
import { type ArticleWriters, recordAll } from './publishing/publication.js';
import type { NamedArticle } from './resolver.js';
import { revisionRow } from './revisions/revision-rows.js';
import type { ArticleContent } from './schemas.js';

export type { TagLink } from './catalogue.js';

export type ArticleRow = typeof articles.$inferSelect;

/** The columns a list shows of each article. */
export const teaserColumns = teaserColumnsOf(articles);
export type { TeaserRow } from '../teasers/teaser.js';

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

/** An item of a page of published articles: its stored teaser, or null with the version to store one at. */
export interface TeaserEntry {
  id: string;
  publishedAt: number | null;
  /** The documents' version read with the page; null when the article has no documents row (never stored). */
  version: number | null;
  /** The stored teaser's UTF-8 bytes: a page is joined and sent as bytes, never decoded. */
  teaser: Buffer | null;
}

/** A published article's row with the version of its documents, read in one statement. */
export interface DocumentSource {
  row: ArticleRow;
  version: number | null;
}

/** A teaser rendered from state read after `version` was: stored only if no write has bumped it since. */
export interface RenderedTeaser {
  id: string;
  version: number;
  teaser: string;
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

/** Builds a value once per distinct arguments (here: one prepared statement per query shape). */
function memo<A extends unknown[], R>(build: (...args: A) => R): (...args: A) => R {
  const built = new Map<string, R>();
  return (...args) => {
    const key = JSON.stringify(args);
    let value = built.get(key);
    if (value === undefined) {
      value = build(...args);
      built.set(key, value);
    }
    return value;
  };
}

export function createArticlesRepository(db: Database, writers: Pick<ArticleWriters, 'appendAudit' | 'recordEvent'>) {
  const write = groupWriterOf(db);
  const catalogue = preparedCatalogue(db);
  const slugTaken = db
    .select({ slug: articleSlugs.slug })
    .from(articleSlugs)
    .where(eq(articleSlugs.slug, sql.placeholder('slug')))
    .prepare();
  const publishedById = db
    .select()
    .from(articles)
    .where(and(eq(articles.id, sql.placeholder('id')), eq(articles.status, 'published')))
    .prepare();
  const nameColumns = {
    id: articles.id,
    slug: articles.slug,
    status: articles.status,
    commentsOpen: articles.commentsOpen,
  };
  const nameById = db
    .select(nameColumns)
    .from(articles)
    .where(eq(articles.id, sql.placeholder('name')))
    .prepare();
  const nameBySlug = db
    .select(nameColumns)
    .from(articles)
    .where(eq(articles.slug, sql.placeholder('name')))
    .prepare();
  const nameByFormerSlug = db
    .select({ ...nameColumns, publicAt: articleSlugs.publicAt })
    .from(articleSlugs)
    .innerJoin(articles, eq(articles.id, articleSlugs.articleId))
    .where(eq(articleSlugs.slug, sql.placeholder('name')))
    .prepare();

  // The public read path runs on prepared statements: building SQL per request cost a quarter of
  // an article read. A list of ids travels as one JSON parameter, so one statement serves any length.
  const idsParam = sql`(select value from json_each(${sql.placeholder('ids')}))`;
  const tagsOf = db
    .select({ articleId: articleTags.articleId, slug: tags.slug, name: tags.name })
    .from(articleTags)
    .innerJoin(tags, eq(tags.id, articleTags.tagId))
    .where(sql`${articleTags.articleId} in ${idsParam}`)
    .orderBy(asc(articleTags.articleId), asc(articleTags.position))
    .prepare();
  const creditsOf = db
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
    .where(sql`${articleCredits.articleId} in ${idsParam}`)
    .orderBy(asc(articleCredits.articleId), asc(articleCredits.position))
    .prepare();

  // The conditions of a list page and of a tag page.
  const pageConditions = (byLang: boolean, byCursor: boolean): SQL[] => {
    const conditions: SQL[] = [eq(articles.status, 'published')];
    if (byLang) conditions.push(eq(articles.lang, sql.placeholder('lang')));
    if (byCursor) {
      conditions.push(
        sql`(${articles.publishedAt}, ${articles.id}) < (${sql.placeholder('afterAt')}, ${sql.placeholder('afterId')})`,
      );
    }
    return conditions;
  };
  const tagCursor = sql`(${articleTags.publishedAt}, ${articleTags.articleId}) < (${sql.placeholder('afterAt')}, ${sql.placeholder('afterId')})`;
  const tagPageConditions = (byCursor: boolean): SQL[] => {
    const conditions: SQL[] = [
      eq(tags.slug, sql.placeholder('tag')),
      eq(articles.status, 'published'),
      sql`(${sql.placeholder('lang')} is null or ${articles.lang} = ${sql.placeholder('lang')})`,
    ];
    if (byCursor) conditions.push(tagCursor);
    return conditions;
  };

  // One statement per shape, so each keeps its index seek: an optional condition written as
  // `? is null or …` would turn the cursor's range seek into a scan from the top.
  // Lists read the teaser's columns only: the body and its HTML are most of a row's bytes.
  const page = memo((byLang: boolean, byCursor: boolean) => {
    const conditions = pageConditions(byLang, byCursor);
    return db
      .select(teaserColumns)
      .from(articles)
      .where(and(...conditions))
      .orderBy(desc(articles.publishedAt), desc(articles.id))
      .limit(sql.placeholder('limit'))
      .prepare();
  });
  // A tag page walks the tag's own (tag_id, published_at, article_id) index; lang is a filter on it.
  const pageByTag = memo((byCursor: boolean) => {
    const conditions = tagPageConditions(byCursor);
    return db
      .select(teaserColumns)
      .from(tags)
      .innerJoin(articleTags, eq(articleTags.tagId, tags.id))
      .innerJoin(articles, eq(articles.id, articleTags.articleId))
      .where(and(...conditions))
      .orderBy(desc(articleTags.publishedAt), desc(articleTags.articleId))
      .limit(sql.placeholder('limit'))
      .prepare();
  });

  // Stored documents: one indexed fetch answers a reader (see documents.ts).
  const documentColumns = { body: articleDocuments.body, etag: articleDocuments.etag, keys: articleDocuments.keys };
  const documentById = db
    .select(documentColumns)
    .from(articleDocuments)
    .where(and(eq(articleDocuments.articleId, sql.placeholder('id')), isNotNull(articleDocuments.body)))
    .prepare();
  const documentBySlug = db
    .select(documentColumns)
    .from(articleDocuments)
    .where(and(eq(articleDocuments.slug, sql.placeholder('slug')), isNotNull(articleDocuments.body)))
    .prepare();
  const documentSource = db
    .select({ row: articles, version: articleDocuments.version })
    .from(articles)
    .leftJoin(articleDocuments, eq(articleDocuments.articleId, articles.id))
    .where(and(eq(articles.id, sql.placeholder('id')), eq(articles.status, 'published')))
    .prepare();
  const storeDocuments = db
    .update(articleDocuments)
    .set({
      slug: sql.placeholder('slug'),
      teaser: sql.placeholder('teaser'),
      etag: sql.placeholder('etag'),
      keys: sql.placeholder('keys'),
      body: sql.placeholder('body'),
    } as Record<string, unknown>)
    .where(
      and(
        eq(articleDocuments.articleId, sql.placeholder('id')),
        eq(articleDocuments.version, sql.placeholder('version')),
      ),
    )
    .prepare();
  const storeTeaser = db
    .update(articleDocuments)
    .set({ teaser: sql.placeholder('teaser') } as Record<string, unknown>)
    .where(
      and(
        eq(articleDocuments.articleId, sql.placeholder('id')),
        eq(articleDocuments.version, sql.placeholder('version')),
      ),
    )
    .prepare();
  // Published only: an article withdrawn since the page was read is left out, not shown as its draft.
  const teaserRowsOf = db
    .select(teaserColumns)
    .from(articles)
    .where(and(sql`${articles.id} in ${idsParam}`, eq(articles.status, 'published')))
    .prepare();
  // A stored teaser is read as its UTF-8 bytes (a cast from text to blob copies them as they are):
  // a page is joined, hashed and sent as bytes, where text made a string of each teaser that the
  // hash and the socket then encoded back, three passes over the page's 17 KB.
  const teaserBytes = sql<Buffer | null>`cast(${articleDocuments.teaser} as blob)`;
  const entryPage = memo((byLang: boolean, byCursor: boolean) => {
    const conditions = pageConditions(byLang, byCursor);
    return db
      .select({
        id: articles.id,
        publishedAt: articles.publishedAt,
        version: articleDocuments.version,
        teaser: teaserBytes,
      })
      .from(articles)
      .leftJoin(articleDocuments, eq(articleDocuments.articleId, articles.id))
      .where(and(...conditions))
      .orderBy(desc(articles.publishedAt), desc(articles.id))
      .limit(sql.placeholder('limit'))
      .prepare();
  });
  // article_tags holds only published articles' links, with their published_at (publication.ts
  // writes and clears them with the read model), so a tag page walks the tag's index and reads
  // nothing of `articles` but a language to filter on: a lookup of two B-trees less per item.
  const entryPageByTag = memo((byLang: boolean, byCursor: boolean) => {
    const conditions: SQL[] = [eq(tags.slug, sql.placeholder('tag'))];
    if (byLang) conditions.push(eq(articles.lang, sql.placeholder('lang')));
    if (byCursor) conditions.push(tagCursor);
    const columns = {
      id: articleTags.articleId,
      publishedAt: articleTags.publishedAt,
      version: articleDocuments.version,
      teaser: teaserBytes,
    };
    const links = db.select(columns).from(tags).innerJoin(articleTags, eq(articleTags.tagId, tags.id));
    const filtered = byLang ? links.innerJoin(articles, eq(articles.id, articleTags.articleId)) : links;
    return filtered
      .leftJoin(articleDocuments, eq(articleDocuments.articleId, articleTags.articleId))
      .where(and(...conditions))
      .orderBy(desc(articleTags.publishedAt), desc(articleTags.articleId))
      .limit(sql.placeholder('limit'))
      .prepare();
  });

  /** Stores what a reader rendered, unless a write bumped the version since it read; never waits on another process's write. */
  // Nor does it wait for the disk: a document is rendered again if a crash loses it, and the next
  // write that must last (synchronous=FULL) syncs the log with these pages before its own, in order,
  // so no later invalidation can survive without the store it follows.
  function storeUnlessStale(write: () => void): void {
    const client = db.$client;
    const synchronous = Number(client.pragma('synchronous', { simple: true }));
    client.pragma('synchronous = NORMAL');
    try {
      withoutWaiting(db, write);
    } catch {
      // Busy with another process's write, or a slug another document holds: the next read renders again.
    } finally {
      client.pragma(`synchronous = ${synchronous}`);
    }
  }

  return {
    /** The stored response of the published article with this id; undefined when none is stored. */
    async findDocumentById(id: string): Promise<ArticleDocument | undefined> {
      return documentById.get({ id }) as ArticleDocument | undefined;
    },

    /** The stored response of the published article whose current slug this is; undefined when none is stored. */
    async findDocumentBySlug(slug: string): Promise<ArticleDocument | undefined> {
      return documentBySlug.get({ slug }) as ArticleDocument | undefined;
    },

    /** A published article's row and its documents' version, read together: what a document is rendered from. */
    async findDocumentSource(id: string): Promise<DocumentSource | undefined> {
      return documentSource.get({ id });
    },

    /** Stores an article's documents if `version` is still theirs: a write since then keeps the render out. */
    async storeDocuments(id: string, version: number, documents: RenderedDocuments): Promise<void> {
      storeUnlessStale(() => storeDocuments.run({ id, version, ...documents }));
    },

    /** Stores teasers, each if its version is still current, in one transaction. */
    async storeTeasers(teasers: readonly RenderedTeaser[]): Promise<void> {
      if (teasers.length === 0) return;
      storeUnlessStale(() =>
        db.transaction(() => {
          for (const t of teasers) storeTeaser.run({ id: t.id, version: t.version, teaser: t.teaser });
        }),
      );
    },

    /** The teaser columns of these articles, to render the teasers a page lacks. */
    async teaserRowsOf(ids: readonly string[]): Promise<TeaserRow[]> {
      return teaserRowsOf.all({ ids: JSON.stringify(ids) });
    },

    /** One page of published articles as stored teasers, keyset as findPublishedPage; up to limit + 1 entries. */
    async findTeaserPage(q: PublishedPageQuery): Promise<TeaserEntry[]> {
      const params = {
        lang: q.lang ?? null,
        tag: q.tag ?? null,
        afterAt: q.after?.[0] ?? null,
        afterId: q.after?.[1] ?? null,
        limit: q.limit + 1,
      };
      if (q.tag) return entryPageByTag(q.lang !== undefined, q.after !== null).all(params);
      return entryPage(q.lang !== undefined, q.after !== null).all(params);
    },

    /**
     * Creates an article with its revision 1 in one transaction; the slug gets a -2, -3... suffix on
     * collision. Concurrent creations share one transaction (group commit), each in its own savepoint.
     */
    async insert(input: NewArticle): Promise<ArticleRow> {
      try {
        return await write((tx) => {
          const slug = uniqueSlug(input.content.slug, (s) => slugTaken.get({ slug: s }) !== undefined);
          const events: PendingEvents = [];
          const content = catalogue({ ...input.content, slug }, input.at, events);
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
            .values(revisionRow({ ...input, articleId: input.id, number: headRevision, content }))
            .run();
          if (input.audit)
            writers.appendAudit(tx, { ...input.audit, at: input.at, articleId: input.id, subjectId: input.id });
          recordAll(tx, events, writers);
          const row = tx.select().from(articles).where(eq(articles.id, input.id)).get();
          if (!row) throw new Error('article vanished inside its transaction');
          return row;
        });
      } catch (err) {
        throw toDomainError(err, 'article');
      }
    },

    async findPublishedById(id: string): Promise<ArticleRow | undefined> {
      return publishedById.get({ id });
    },

    /** Every article `name` matches, by id, current slug or former slug; which one it names is the resolver's choice. */
    async findAllByName(name: string): Promise<NamedArticle[]> {
      const found: NamedArticle[] = [];
      const byId = nameById.get({ name });
      if (byId) found.push({ ...byId, match: 'id', wasPublic: false });
      const bySlug = nameBySlug.get({ name });
      if (bySlug) found.push({ ...bySlug, match: 'slug', wasPublic: false });
      const former = nameByFormerSlug.get({ name });
      if (former) {
        const { publicAt, ...article } = former;
        found.push({ ...article, match: 'former', wasPublic: publicAt !== null });
      }
      return found;
    },

    /** One page of published articles, newest first, keyset on (published_at, id); returns up to limit + 1 rows. */
    async findPublishedPage(q: PublishedPageQuery): Promise<TeaserRow[]> {
      const params = {
        lang: q.lang ?? null,
        tag: q.tag ?? null,
        afterAt: q.after?.[0] ?? null,
        afterId: q.after?.[1] ?? null,
        limit: q.limit + 1,
      };
      if (q.tag) return pageByTag(q.after !== null).all(params);
      return page(q.lang !== undefined, q.after !== null).all(params);
    },

    /** The current tags of many articles in one query, in each article's order. */
    async tagsFor(articleIds: string[]): Promise<Map<string, TagLink[]>> {
      return linksByArticle(articleIds, () => tagsOf.all({ ids: JSON.stringify(articleIds) }));
    },

    /** The current credits of many articles in one query, in each article's order. */
    async creditsFor(articleIds: string[]): Promise<Map<string, CreditLink[]>> {
      return linksByArticle(articleIds, () => creditsOf.all({ ids: JSON.stringify(articleIds) }));
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

    async hasAny(): Promise<boolean> {
      return db.select({ id: articles.id }).from(articles).limit(1).get() !== undefined;
    },
  };
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;
