import { eq, sql } from 'drizzle-orm';
import type { PgExecutor } from '../../db/pg/client.js';
import { searchDocuments } from '../../db/pg/schema.js';
import { tsvectorLiteral } from './fold.js';
import type { SearchDocument } from './repository.js';

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
