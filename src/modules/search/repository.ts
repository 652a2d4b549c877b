import { eq, inArray, sql } from 'drizzle-orm';
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

// Column weights for bm25: a hit in the title counts most, then tags, the standfirst, the body.
const RANK = sql`bm25(articles_fts, 10.0, 4.0, 1.0, 6.0)`;

export function createSearchRepository(db: Database) {
  const [markStart, markEnd] = SNIPPET_MARKERS;
  return {
    /**
     * Published matches, best first (bm25 ascending), keyset on (score, rowid of the index);
     * returns up to limit + 1 hits. Only published articles are in the index, so without filters
     * the ranking runs on the FTS table alone and only the page is joined to articles: joining
     * every match first cost eight times as much at 100,000 articles.
     */
    async findMatches(q: SearchQuery): Promise<SearchHit[]> {
      const match = toFtsQuery(q.parsed);
      const after = q.after ? [sql`(${RANK}, articles_fts.rowid) > (${q.after[0]}, ${q.after[1]})`] : [];
      let ranked: { rowid: number; score: number }[];
      if (!q.tag && !q.lang) {
        ranked = db.all(sql`
          select articles_fts.rowid as rowid, ${RANK} as score
          from articles_fts
          where ${sql.join([sql`articles_fts match ${match}`, ...after], sql` and `)}
          order by score, rowid
          limit ${q.limit + 1}`);
      } else {
        const filters = [sql`a.status = 'published'`, ...after];
        if (q.lang) filters.push(sql`a.lang = ${q.lang}`);
        if (q.tag) {
          filters.push(
            sql`exists (select 1 from article_tags at join tags t on t.id = at.tag_id where at.article_id = a.id and t.slug = ${q.tag})`,
          );
        }
        ranked = db.all(sql`
          select articles_fts.rowid as rowid, ${RANK} as score
          from articles_fts
          join search_documents d on d.id = articles_fts.rowid
          join articles a on a.id = d.article_id
          where articles_fts match ${match} and ${sql.join(filters, sql` and `)}
          order by score, rowid
          limit ${q.limit + 1}`);
      }
      if (ranked.length === 0) return [];
      const rowids = sql.join(
        ranked.map((r) => sql`${r.rowid}`),
        sql`, `,
      );
      const ids = new Map(
        db
          .all<{ rowid: number; id: string }>(
            sql`select id as rowid, article_id as id from search_documents where id in (${rowids})`,
          )
          .map((r) => [r.rowid, r.id]),
      );
      const rows = ranked.flatMap((r) => {
        const id = ids.get(r.rowid);
        return id ? [{ ...r, id }] : [];
      });
      if (rows.length === 0) return [];
      const snippets = new Map(
        db
          .all<{ rowid: number; snippet: string }>(sql`
            select rowid, snippet(articles_fts, -1, ${markStart}, ${markEnd}, '…', 24) as snippet
            from articles_fts
            where articles_fts match ${match} and rowid in (${sql.join(
              rows.map((r) => sql`${r.rowid}`),
              sql`, `,
            )})`)
          .map((r) => [r.rowid, r.snippet]),
      );
      const byId = new Map(
        db
          .select(teaserColumnsOf(articles))
          .from(articles)
          .where(
            inArray(
              articles.id,
              rows.map((r) => r.id),
            ),
          )
          .all()
          .map((a) => [a.id, a]),
      );
      return rows.flatMap((r) => {
        const article = byId.get(r.id);
        return article ? [{ article, score: r.score, rowid: r.rowid, snippet: snippets.get(r.rowid) ?? '' }] : [];
      });
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;
