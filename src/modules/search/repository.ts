import type BetterSqlite3 from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { articles, searchDocuments } from '../../db/schema.js';
import { type TeaserRow, teaserColumnsOf } from '../teasers/teaser.js';
import { type ParsedSearch, SNIPPET_MARKERS, toFtsQuery } from './query.js';

type Writer = Pick<Database, 'insert' | 'select' | 'run'>;

export interface SearchDocument {
  title: string;
  standfirst: string | null;
  body: string;
  tags: string[];
}

/** Adds or replaces an article's entry in the full-text index; runs inside the publishing transaction. */
export function indexDocument(tx: Writer, articleId: string, doc: SearchDocument): void {
  tx.insert(searchDocuments).values({ articleId }).onConflictDoNothing().run();
  const row = tx
    .select({ id: searchDocuments.id })
    .from(searchDocuments)
    .where(eq(searchDocuments.articleId, articleId))
    .get();
  if (!row) throw new Error(`search document of ${articleId} vanished inside its transaction`);
  tx.run(sql`delete from articles_fts where rowid = ${row.id}`);
  tx.run(
    sql`insert into articles_fts (rowid, title, standfirst, body, tags)
        values (${row.id}, ${doc.title}, ${doc.standfirst ?? ''}, ${doc.body}, ${doc.tags.join(' ')})`,
  );
}

/**
 * Rewrites the tag names in the index of every published article that carries the tag `slug`, in
 * the order the article lists them: a renamed tag is found by its new name and no longer by its
 * old one. Runs inside the tag's update transaction.
 */
export function reindexTag(tx: Pick<Database, 'run'>, slug: string): void {
  tx.run(sql`
    update articles_fts set tags = coalesce((
      select group_concat(t.name, ' ' order by at.position)
      from search_documents d
      join article_tags at on at.article_id = d.article_id
      join tags t on t.id = at.tag_id
      where d.id = articles_fts.rowid), '')
    where rowid in (
      select d.id from search_documents d
      join article_tags at on at.article_id = d.article_id
      join tags t on t.id = at.tag_id
      where t.slug = ${slug})`);
}

/** Takes an article out of the index (unpublished or archived); the trigger removes the FTS row. */
export function removeDocument(tx: Pick<Database, 'delete'>, articleId: string): void {
  tx.delete(searchDocuments).where(eq(searchDocuments.articleId, articleId)).run();
}

/** One page of a search, as the service asks for it; each engine compiles `parsed` to its own syntax. */
export interface SearchQuery {
  parsed: ParsedSearch;
  limit: number;
  /** The last hit shown: its score (lower is better) and index row. */
  after: readonly [score: number, rowid: number] | null;
  tag?: string | undefined;
  lang?: string | undefined;
}

export interface SearchHit {
  article: TeaserRow;
  score: number;
  /** The index row: the tie-breaker of the keyset. */
  rowid: number;
  snippet: string;
}

/** A page of hits, best first, and whether a match ranks after its last one (a next page exists). */
export interface SearchMatches {
  hits: SearchHit[];
  more: boolean;
}

/** The column weights of bm25 (title, standfirst, body, tags): a title hit counts most, then tags, the standfirst, the body. */
const RANK_FUNCTION = 'bm25(10.0, 4.0, 1.0, 6.0)';

type Filters = Pick<SearchQuery, 'tag' | 'lang'> & { after: boolean };

/**
 * The ranking statement of one combination of filters. FTS5 scores each match once, through its
 * `rank` column (`rank MATCH` names bm25 and its weights for this query), and SQLite keeps only the
 * best `limit` rows as it goes. `ORDER BY rank` alone would let FTS5 sort instead, but FTS5 then
 * scores and sorts every match without the limit, through a statement it prepares anew for each
 * query (measured 1.5 to 2 times slower at 100,000 articles); and it leaves ties in no stated
 * order, where the keyset needs (score, rowid).
 */
function rankSql({ tag, lang, after }: Filters): string {
  const where = ['articles_fts match @match', `articles_fts.rank match '${RANK_FUNCTION}'`];
  if (after) where.push('(articles_fts.rank, articles_fts.rowid) > (@score, @rowid)');
  let from = 'articles_fts';
  // Only published articles are in the index: without filters, ranking reads the index alone.
  if (tag || lang) {
    from += ' join search_documents d on d.id = articles_fts.rowid join articles a on a.id = d.article_id';
    where.push("a.status = 'published'");
    if (lang) where.push('a.lang = @lang');
    if (tag) {
      where.push(
        'exists (select 1 from article_tags at join tags t on t.id = at.tag_id where at.article_id = a.id and t.slug = @tag)',
      );
    }
  }
  return `select articles_fts.rowid as rowid, articles_fts.rank as score from ${from}
    where ${where.join(' and ')}
    order by articles_fts.rank, articles_fts.rowid
    limit @limit`;
}

export function createSearchRepository(db: Database) {
  const [markStart, markEnd] = SNIPPET_MARKERS;
  const sqlite = db.$client;
  // Prepared once each: parsing and planning cost as much as a small page.
  const ranking = new Map<string, BetterSqlite3.Statement<Record<string, unknown>, { rowid: number; score: number }>>();
  const rankStatement = (filters: Filters) => {
    const key = `${filters.tag ? 't' : ''}${filters.lang ? 'l' : ''}${filters.after ? 'a' : ''}`;
    let statement = ranking.get(key);
    if (!statement) {
      statement = sqlite.prepare(rankSql(filters));
      ranking.set(key, statement);
    }
    return statement;
  };
  // The page's rows only: snippets cost a read and a tokenization of each article's text.
  const snippets = sqlite.prepare<Record<string, unknown>, { rowid: number; id: string; snippet: string }>(`
    select articles_fts.rowid as rowid, d.article_id as id,
      snippet(articles_fts, -1, @markStart, @markEnd, '…', 24) as snippet
    from articles_fts join search_documents d on d.id = articles_fts.rowid
    where articles_fts match @match and articles_fts.rowid in (select value from json_each(@rowids))`);
  const teasers = db
    .select(teaserColumnsOf(articles))
    .from(articles)
    .where(sql`${articles.id} in (select value from json_each(${sql.placeholder('ids')}))`)
    .prepare();

  /** Every statement of one search in one read transaction: the page is the one the ranking saw. */
  const search = sqlite.transaction((q: SearchQuery): SearchMatches => {
    const match = toFtsQuery(q.parsed);
    const params: Record<string, unknown> = { match, limit: q.limit + 1 };
    if (q.after) {
      params.score = q.after[0];
      params.rowid = q.after[1];
    }
    if (q.tag) params.tag = q.tag;
    if (q.lang) params.lang = q.lang;
    const ranked = rankStatement({ tag: q.tag, lang: q.lang, after: q.after !== null }).all(params);
    const page = ranked.slice(0, q.limit);
    if (page.length === 0) return { hits: [], more: false };
    const found = new Map(
      snippets
        .all({ match, markStart, markEnd, rowids: JSON.stringify(page.map((r) => r.rowid)) })
        .map((r) => [r.rowid, r]),
    );
    const byId = new Map(
      teasers.all({ ids: JSON.stringify([...found.values()].map((r) => r.id)) }).map((a) => [a.id, a]),
    );
    const hits = page.flatMap(({ rowid, score }) => {
      const row = found.get(rowid);
      const article = row && byId.get(row.id);
      return row && article ? [{ article, score, rowid, snippet: row.snippet }] : [];
    });
    return { hits, more: ranked.length > q.limit };
  });

  return {
    /**
     * Published matches, best first (bm25 ascending), keyset on (score, rowid of the index), and
     * whether more follow. Only the page is joined to articles and given snippets: joining every
     * match first cost eight times as much at 100,000 articles.
     */
    async findMatches(q: SearchQuery): Promise<SearchMatches> {
      return search(q);
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;
