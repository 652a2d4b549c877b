import { asc, count, eq, getTableColumns, getTableName, inArray, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { PgDatabase, PgTransaction } from '../../db/pg/client.js';
import {
  articleCredits,
  articleRevisions,
  articleSlugs,
  articles,
  articleTags,
  commentModerationLog,
  comments,
  credits,
  tags,
} from '../../db/pg/schema.js';
import { creditEvent, tagEvent } from '../events/catalogue.js';
import { OUTBOX_LOCK, type recordEvent as RecordEvent } from '../events/outbox.pg.js';
import type { indexDocument as IndexDocument } from '../search/repository.pg.js';
import type { GeneratorRepository } from './repository.js';
import { type ArticleRows, approvedCount, articleRows, commentRow, moderationRow } from './rows.js';

/**
 * One INSERT of all `rows`, each column sent as one array parameter and spread back into rows by
 * unnest: the statement stays small whatever the number of rows, and PostgreSQL parses each array
 * once instead of a parameter per value.
 */
async function insertAll<T extends PgTable>(tx: PgTransaction, table: T, rows: T['$inferInsert'][]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(first);
  const names: SQL[] = [];
  const arrays: SQL[] = [];
  for (const key of keys) {
    const column = columns[key];
    if (!column) throw new Error(`${getTableName(table)} has no column ${key}`);
    // The array of the column's type, without its collation: text COLLATE "C" is stored as text.
    const type = column.getSQLType().replace(/\s+COLLATE\s+.*$/i, '');
    const values = rows.map((row) => (row as Record<string, unknown>)[key] ?? null);
    names.push(sql`${sql.identifier(column.name)}`);
    arrays.push(sql`${sql.param(values)}::${sql.raw(type)}[]`);
  }
  await tx.execute(
    sql`insert into ${table} (${sql.join(names, sql`, `)}) select * from unnest(${sql.join(arrays, sql`, `)})`,
  );
}

/**
 * The batch's published articles announced as published, in one INSERT...SELECT after the outbox
 * lock (see outbox.pg.ts), so the change feed of a generated site is complete; before them, the
 * tags and credits they made public (those no article outside the batch carries). Webhooks are not
 * called for generated content: the generator fills a new site, before anyone subscribes.
 */
async function announcePublished(tx: PgTransaction, ids: string[]): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`);
  const batch = sql`(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
  await tx.execute(sql`
    INSERT INTO events (type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at)
    SELECT 'tag.published', 'tag', t.id::text, t.slug, 'upsert',
      json_build_object('id', t.id, 'slug', t.slug, 'name', t.name)::text,
      json_build_array('tags', 'tag:' || t.slug, 'articles')::text,
      (SELECT min(l.published_at) FROM article_tags l WHERE l.tag_id = t.id)
    FROM tags t
    WHERE EXISTS (SELECT 1 FROM article_tags l WHERE l.tag_id = t.id AND l.article_id IN ${batch})
      AND NOT EXISTS (SELECT 1 FROM article_tags l WHERE l.tag_id = t.id AND l.article_id NOT IN ${batch})
    ORDER BY t.id`);
  await tx.execute(sql`
    INSERT INTO events (type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at)
    SELECT 'credit.published', 'credit', c.id::text, NULL, 'upsert',
      json_build_object('id', c.id, 'name', c.name)::text,
      json_build_array('credits', 'credit:' || c.id, 'articles')::text,
      (SELECT min(a.published_at) FROM article_credits l JOIN articles a ON a.id = l.article_id WHERE l.credit_id = c.id)
    FROM credits c
    WHERE EXISTS (SELECT 1 FROM article_credits l WHERE l.credit_id = c.id AND l.article_id IN ${batch})
      AND NOT EXISTS (SELECT 1 FROM article_credits l WHERE l.credit_id = c.id AND l.article_id NOT IN ${batch})
    ORDER BY c.id`);
  await tx.execute(sql`
    INSERT INTO events (type, entity, entity_id, slug, feed, data, surrogate_keys, occurred_at)
    SELECT 'article.published', 'article', id, slug, 'upsert',
      json_build_object('id', id, 'slug', slug, 'title', title, 'revision', published_revision)::text,
      json_build_array('articles', 'article:' || id, 'tags', 'credits')::text,
      coalesce(published_updated_at, published_at)
    FROM articles
    WHERE status = 'published' AND id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
    ORDER BY published_at, id`);
}

/**
 * Bulk writes for the data generator on PostgreSQL: the rows of the SQLite generator, sent as
 * multi-row INSERTs, a batch of articles per transaction. Comment ids are taken from the table's
 * identity sequence up front, so replies can name their parents in the same statement and the ids
 * follow the generation order, as on SQLite.
 */
/** `indexDocument` is the search module's, passed in so this repository imports no other module's. */
export function createPgGeneratorRepository(
  db: PgDatabase,
  { indexDocument, recordEvent }: { indexDocument: typeof IndexDocument; recordEvent: typeof RecordEvent },
): GeneratorRepository {
  let tagIds = new Map<string, number>();

  /** `n` ids of comments, in the order the sequence gives them. */
  async function commentIds(tx: PgTransaction, n: number): Promise<number[]> {
    if (n === 0) return [];
    const result = await tx.execute<{ id: number }>(
      sql`select nextval(pg_get_serial_sequence('comments', 'id'))::integer as id from generate_series(1, ${n})`,
    );
    return result.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  return {
    async countArticles() {
      const [row] = await db.select({ n: count() }).from(articles);
      return row?.n ?? 0;
    },

    // Each batch commits without waiting for its WAL flush (see insertBatch): nothing to set up here.
    async startBulkLoad() {},

    /** Fresh statistics, so the planner knows the new sizes. */
    async finishBulkLoad() {
      await db.execute(sql`analyze`);
    },

    async saveCatalogue(tagList, creditList, at) {
      return db.transaction(async (tx) => {
        const slugs = tagList.map((t) => t.slug);
        const present = new Set(
          (await tx.select({ slug: tags.slug }).from(tags).where(inArray(tags.slug, slugs))).map((t) => t.slug),
        );
        // Only the missing tags: an INSERT that conflicts would still use up an id of the sequence.
        const missing = tagList.filter((t) => !present.has(t.slug));
        if (missing.length > 0) {
          const created = await tx
            .insert(tags)
            .values(missing.map((t) => ({ ...t, createdAt: at, updatedAt: at })))
            .returning({ id: tags.id, slug: tags.slug, name: tags.name });
          for (const t of created) await recordEvent(tx, tagEvent('tag.created', t, at));
        }
        const tagRows = await tx
          .select({ id: tags.id, slug: tags.slug, name: tags.name })
          .from(tags)
          .where(inArray(tags.slug, slugs))
          // The generator picks tags by position: both engines list them in the same order.
          .orderBy(asc(tags.slug));
        tagIds = new Map(tagRows.map((t) => [t.slug, t.id]));
        const creditRows = [];
        for (const c of creditList) {
          const [existing] = await tx
            .select()
            .from(credits)
            .where(eq(credits.name, c.name))
            .orderBy(asc(credits.id))
            .limit(1);
          if (existing && existing.organization === c.organization) {
            creditRows.push(existing);
            continue;
          }
          const [created] = await tx
            .insert(credits)
            .values({ ...c, createdAt: at, updatedAt: at })
            .returning();
          if (!created) throw new Error(`credit ${c.name} was not saved`);
          await recordEvent(tx, creditEvent('credit.created', created, at));
          creditRows.push(created);
        }
        return { tags: tagRows.map(({ slug, name }) => ({ slug, name })), credits: creditRows };
      });
    },

    async insertBatch(batch) {
      await db.transaction(async (tx) => {
        // Generated data: a crash mid-run leaves a database to drop, so no batch waits for its WAL flush.
        await tx.execute(sql`set local synchronous_commit = off`);
        const rows: ArticleRows[] = batch.map(({ article, comments: list }) =>
          articleRows(article, approvedCount(list), tagIds),
        );
        await insertAll(
          tx,
          articles,
          rows.map((r) => r.article),
        );
        await insertAll(
          tx,
          articleSlugs,
          rows.map((r) => r.slug),
        );
        await insertAll(
          tx,
          articleRevisions,
          rows.flatMap((r) => r.revisions),
        );
        await insertAll(
          tx,
          articleTags,
          rows.flatMap((r) => r.tags),
        );
        await insertAll(
          tx,
          articleCredits,
          rows.flatMap((r) => r.credits),
        );
        for (const r of rows) {
          if (r.search) await indexDocument(tx, r.article.id, r.search);
        }
        const ids = await commentIds(
          tx,
          batch.reduce((n, entry) => n + entry.comments.length, 0),
        );
        const commentRows = [];
        const logRows = [];
        let next = 0;
        for (const { article, comments: list } of batch) {
          const first = next;
          for (const c of list) {
            const id = ids[next++] as number;
            const parentId = c.parent === null ? null : (ids[first + c.parent] ?? null);
            commentRows.push({ id, ...commentRow(article.id, c, parentId) });
            const log = moderationRow(id, c);
            if (log) logRows.push(log);
          }
        }
        await insertAll(tx, comments, commentRows);
        await insertAll(tx, commentModerationLog, logRows);
        await announcePublished(
          tx,
          batch.map((entry) => entry.article.id),
        );
      });
    },
  };
}
