import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgExecutor } from '../../db/pg/client.js';
import { articles, searchDocuments } from '../../db/pg/schema.js';
import { teaserColumnsOf } from '../teasers/teaser.js';
import { tsvectorLiteral } from './fold.js';
import { toTsQuery } from './query.js';
import type { SearchDocument, SearchHit, SearchMatches, SearchQuery, SearchRepository } from './repository.js';
import { buildSnippet } from './snippet.js';

function documentOf(doc: SearchDocument) {
  const tags = doc.tags.join(' ');
  const standfirst = doc.standfirst ?? '';
  return {
    title: doc.title,
    standfirst,
    body: doc.body,
    tags,
    // Weights as FTS5's bm25 columns rank them: title, tags, standfirst, body.
    document: tsvectorLiteral([
      { text: doc.title, weight: 'A' },
      { text: tags, weight: 'B' },
      { text: standfirst, weight: 'C' },
      { text: doc.body, weight: 'D' },
    ]),
  };
}

/** Adds or replaces an article's entry in the full-text index; runs inside the publishing transaction. */
export async function indexDocument(tx: PgExecutor, articleId: string, doc: SearchDocument): Promise<void> {
  const values = documentOf(doc);
  await tx
    .insert(searchDocuments)
    .values({ articleId, ...values })
    .onConflictDoUpdate({ target: searchDocuments.articleId, set: values });
}

/** Takes an article out of the index (unpublished or archived). */
export async function removeDocument(tx: PgExecutor, articleId: string): Promise<void> {
  await tx.delete(searchDocuments).where(eq(searchDocuments.articleId, articleId));
}

/**
 * Rewrites the tag names in the index of every published article that carries the tag `slug`, in
 * the order the article lists them. Runs inside the tag's update transaction.
 */
export async function reindexTag(tx: PgExecutor, slug: string): Promise<void> {
  const rows = await tx.execute<{
    article_id: string;
    title: string;
    standfirst: string;
    body: string;
    tags: string;
  }>(sql`
    select d.article_id, d.title, d.standfirst, d.body,
      coalesce((select string_agg(t2.name, ' ' order by at2.position)
                from article_tags at2 join tags t2 on t2.id = at2.tag_id
                where at2.article_id = d.article_id), '') as tags
    from search_documents d
    where d.article_id in (
      select at.article_id from article_tags at join tags t on t.id = at.tag_id where t.slug = ${slug})`);
  for (const row of rows.rows) {
    const values = documentOf({ title: row.title, standfirst: row.standfirst, body: row.body, tags: [row.tags] });
    await tx.update(searchDocuments).set(values).where(eq(searchDocuments.articleId, row.article_id));
  }
}

/**
 * Column weights as ts_rank_cd takes them, {D, C, B, A}: body, standfirst, tags, title, in the
 * proportions of FTS5's bm25 weights (title 10, tags 6, standfirst 4, body 1).
 */
const WEIGHTS = '{0.1,0.4,0.6,1.0}';

/** Runs a search's statements, on `db` itself or in a transaction that bounds their time. */
export type SearchScope = <T>(work: (tx: PgExecutor) => Promise<T>) => Promise<T>;

export function createPgSearchRepository(
  db: PgDatabase,
  { within = (work) => work(db) }: { within?: SearchScope } = {},
): SearchRepository {
  return {
    /**
     * Published matches, best first, keyset on (score, index row id); returns up to limit + 1 hits.
     * ts_rank_cd is higher for better matches, so the score is its negation: lower is better, as
     * with bm25, and one keyset serves both engines. The score stays `real` on both sides of the
     * comparison: as float8, a cursor's score did not equal the row's own. Only published articles
     * are in the index, so without filters the ranking reads search_documents alone, and only the
     * page is joined to articles.
     */
    findMatches: (q) => within((tx) => findMatches(tx, q)),
  };
}

async function findMatches(db: PgExecutor, q: SearchQuery): Promise<SearchMatches> {
  const ranked = await rank(db, q);
  // The extra row only says a next page exists: no text is read, no snippet built for it.
  const shown = ranked.slice(0, q.limit);
  return { hits: shown.length === 0 ? [] : await page(db, q, shown), more: ranked.length > q.limit };
}

/** The page's index rows and scores, ranked on search_documents alone unless a filter needs articles. */
async function rank(db: PgExecutor, q: SearchQuery): Promise<{ rowid: number; score: number }[]> {
  const query = sql`${toTsQuery(q.parsed)}::tsquery`;
  const filters: SQL[] = [sql`d.document @@ ${query}`];
  let from = sql`search_documents d`;
  if (q.tag || q.lang) {
    from = sql`search_documents d join articles a on a.id = d.article_id`;
    filters.push(sql`a.status = 'published'`);
    if (q.lang) filters.push(sql`a.lang = ${q.lang}`);
    if (q.tag) {
      filters.push(
        sql`exists (select 1 from article_tags at join tags t on t.id = at.tag_id where at.article_id = a.id and t.slug = ${q.tag})`,
      );
    }
  }
  const after = q.after ? sql`where (score, rowid) > (${q.after[0]}::real, ${q.after[1]})` : sql``;
  const ranked = await db.execute<{ rowid: number; score: number }>(sql`
        select rowid, score from (
          select d.id as rowid, (-ts_rank_cd(${WEIGHTS}, d.document, ${query}))::real as score
          from ${from}
          where ${sql.join(filters, sql` and `)}
        ) ranked
        ${after}
        order by score, rowid
        limit ${q.limit + 1}`);
  return ranked.rows;
}

/** The teasers and snippets of the page's rows, in their order. */
async function page(db: PgExecutor, q: SearchQuery, ranked: { rowid: number; score: number }[]): Promise<SearchHit[]> {
  const rows = await db
    .select({
      rowid: searchDocuments.id,
      title: searchDocuments.title,
      standfirst: searchDocuments.standfirst,
      body: searchDocuments.body,
      tags: searchDocuments.tags,
      article: teaserColumnsOf(articles),
    })
    .from(searchDocuments)
    .innerJoin(articles, eq(articles.id, searchDocuments.articleId))
    .where(
      inArray(
        searchDocuments.id,
        ranked.map((r) => r.rowid),
      ),
    );
  const byRowid = new Map(rows.map((row) => [row.rowid, row]));
  return ranked.flatMap(({ rowid, score }) => {
    const row = byRowid.get(rowid);
    if (!row) return [];
    // FTS5's column order: snippets prefer the first of equally good columns.
    const snippet = buildSnippet([row.title, row.standfirst, row.body, row.tags], q.parsed);
    return [{ article: row.article, score, rowid, snippet }];
  });
}
