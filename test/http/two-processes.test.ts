import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ResponseCache } from '../../src/http/response-cache.js';
import { createPublishedArticle, createToken, TEST_ACTOR } from '../helpers/factories.js';
import { buildFileApp, tempDir } from '../helpers/file-app.js';

const path = join(tempDir(), 'shared.db');
// Two processes on one file: each app has its own connection, as a second server would.
const a = await buildFileApp(path, { config: { COMMENTS_FLOOD_WINDOW_S: 0 }, database: { busyTimeoutMs: 20 } });
const b = await buildFileApp(path, { config: { COMMENTS_FLOOD_WINDOW_S: 0 } });
// A third connection, such as the fjord CLI: it writes with SQL alone.
const cli = new BetterSqlite3(path);
afterAll(() => cli.close());

async function postComment(slug: string, body: string) {
  const res = await a.api
    .post(`/v1/articles/${slug}/comments`)
    .send({ author_name: 'Reader', author_email: 'reader@example.org', body })
    .expect(202);
  expect(res.body).toEqual({ status: 'pending', author_key: expect.any(String) });
  // The receipt carries no id (it would tell a duplicate from a new comment): read it back as a moderator would.
  return (cli.prepare('select max(id) as id from comments').get() as { id: number }).id;
}

describe('a database another process is writing to', () => {
  it('answers a write that cannot get the lock in time with a 503 problem and Retry-After, changing nothing', async () => {
    const article = await createPublishedArticle(a.services);
    const id = await postComment(article.slug, 'Waiting for moderation');
    const moderator = await createToken(a.services, 'moderator');
    cli.exec('BEGIN IMMEDIATE');
    let res: Awaited<ReturnType<typeof a.api.patch>>;
    try {
      res = await a.api.patch(`/v1/comments/${id}`).set('Authorization', moderator.header).send({ status: 'approved' });
    } finally {
      cli.exec('ROLLBACK');
    }
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual({
      type: '/problems/unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: 'The database is busy with another writer; retry shortly',
      instance: `/v1/comments/${id}`,
      code: 'unavailable',
      request_id: expect.any(String),
    });
    expect(cli.prepare('select status from comments where id = ?').pluck().get(id)).toBe('pending');
    await a.api
      .patch(`/v1/comments/${id}`)
      .set('Authorization', moderator.header)
      .send({ status: 'approved' })
      .expect(200);
  });
});

describe('the response cache of one process', () => {
  it('never serves an article another process unpublished', async () => {
    const article = await createPublishedArticle(a.services);
    const url = `/v1/articles/${article.slug}`;
    await a.api.get(url).expect(200);
    const cached = await a.api.get(url).expect(200);
    expect(cached.headers['x-cache']).toBe('hit');

    await b.services.publishing.unpublish(article.id, TEST_ACTOR);

    const after = await a.api.get(url);
    expect(after.status).toBe(404);
    expect(after.headers['x-cache']).toBeUndefined();
  });

  it('never serves the text of a comment another process erased', async () => {
    const article = await createPublishedArticle(a.services);
    const id = await postComment(article.slug, 'Personal details to forget');
    await a.services.moderation.moderate(id, { status: 'approved' }, 'test');
    const url = `/v1/articles/${article.slug}/comments`;
    await a.api.get(url).expect(200);
    const cached = await a.api.get(url).expect(200);
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.text).toContain('Personal details to forget');

    await b.services.moderation.erase(id, 'test');

    const after = await a.api.get(url).expect(200);
    expect(after.headers['x-cache']).toBeUndefined();
    expect(after.text).not.toContain('Personal details to forget');
  });

  it('drops what it holds after a write made with SQL alone, as by the CLI', async () => {
    const article = await createPublishedArticle(a.services);
    const url = `/v1/articles/${article.slug}`;
    await a.api.get(url).expect(200);
    expect((await a.api.get(url)).headers['x-cache']).toBe('hit');

    cli.prepare("update articles set status = 'archived' where id = ?").run(article.id);

    expect((await a.api.get(url)).headers['x-cache']).toBeUndefined();
  });

  it('looks for a commit by another process before answering a hit ahead of validation', async () => {
    const article = await createPublishedArticle(a.services);
    const url = `/v1/articles/${article.slug}`;
    await a.api.get(url).expect(200);
    const early = vi.spyOn(ResponseCache.prototype, 'getByAlias');
    try {
      const hit = await a.api.get(url).expect(200);
      expect(hit.headers['x-cache']).toBe('hit');
      expect(early.mock.results.filter((r) => r.value !== undefined)).toHaveLength(1);

      cli.prepare("update articles set status = 'archived' where id = ?").run(article.id);

      const after = await a.api.get(url);
      expect(after.status).toBe(404);
      expect(after.headers['x-cache']).toBeUndefined();
      expect(early.mock.results.filter((r) => r.value !== undefined)).toHaveLength(1);
    } finally {
      early.mockRestore();
    }
  });

  it('keeps serving from the cache while nothing was committed elsewhere', async () => {
    const article = await createPublishedArticle(a.services);
    const url = `/v1/articles/${article.slug}`;
    await a.api.get(url).expect(200);
    expect((await a.api.get(url)).headers['x-cache']).toBe('hit');
    expect((await a.api.get(url)).headers['x-cache']).toBe('hit');
  });
});
