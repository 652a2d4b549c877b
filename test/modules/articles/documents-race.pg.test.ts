/**
 * PostgreSQL: a reader stores what it rendered while a writer's transaction, still open, has
 * changed the article. The reader's guarded update waits for the writer's row lock and then sees
 * the version the writer bumped, so the render of the older state is never stored.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDocuments } from '../../../src/modules/articles/documents.js';
import { buildTestApp } from '../../helpers/build-app.js';
import { serverUrl, sql } from '../../helpers/engine.js';
import { articleInput, createPublishedArticle } from '../../helpers/factories.js';

const { api, services, engine, probe } = await buildTestApp({ config: { RESPONSE_CACHE_BYTES: 0 } });
const [current] = await probe.rows<{ name: string }>(sql`select current_database() as name`);
const location = new URL(serverUrl());
location.pathname = `/${current?.name}`;

describe('a render stored while a write is in flight', () => {
  // A connection of its own, outside the app's pool: the writer's transaction stays open while the reader stores.
  const writer = new pg.Client({ connectionString: location.toString() });
  afterAll(async () => {
    await writer.end().catch(() => undefined);
  });

  it('keeps out the older render, whether the store reaches the row before or after the commit', async () => {
    const row = await createPublishedArticle(services, articleInput({ tags: ['Held'] }));
    const repo = engine.store.articles;
    const source = await repo.findDocumentSource(row.id);
    if (!source || source.version === null) throw new Error('no documents row');
    const old = renderDocuments(source.row, [{ slug: 'held', name: 'Held' }], []);
    expect(JSON.parse(old.body).comments_open).toBe(true);

    await writer.connect();
    await writer.query('begin');
    await writer.query('update articles set comments_open = false where id = $1', [row.id]);
    // The writer holds the documents row (its trigger bumped the version) and has not committed.
    const storing = repo.storeDocuments(row.id, source.version, old);
    await writer.query('commit');
    await storing;

    const [stored] = await probe.rows<{ body: string | null }>(
      sql`select body from article_documents where article_id = ${row.id}`,
    );
    expect(stored?.body).toBeNull();
    const res = await api.get(`/v1/articles/${row.slug}`).set('accept-encoding', 'identity').expect(200);
    expect(JSON.parse(res.text).comments_open).toBe(false);
  });
});
