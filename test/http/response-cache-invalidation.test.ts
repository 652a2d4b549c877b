import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken, TEST_ACTOR } from '../helpers/factories.js';

const { api, services, probe } = await buildTestApp();

/** The newest comment's id: a receipt names no comment. */
async function lastCommentId(): Promise<number> {
  const [row] = await probe.rows<{ id: number | null }>(sql`select max(id) as id from comments`);
  if (row?.id == null) throw new Error('no comment stored');
  return Number(row.id);
}
const moderator = await createToken(services, 'moderator');

const get = (path: string) => api.get(path).expect(200);

describe('the in-memory response cache', () => {
  it('answers a repeated anonymous GET from memory, with the same bytes and ETag', async () => {
    const article = await createPublishedArticle(services, { tags: ['Cached'] });
    const first = await get(`/v1/articles/${article.slug}`);
    expect(first.headers['x-cache']).toBeUndefined();
    const second = await get(`/v1/articles/${article.slug}`);
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.text).toBe(first.text);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['surrogate-key']).toBe(
      `article:${article.id} tag:cached ${first.body.credits.map((c: { id: number }) => `credit:${c.id}`).join(' ')}`.trim(),
    );
    const notModified = await api
      .get(`/v1/articles/${article.slug}`)
      .set('If-None-Match', String(first.headers.etag))
      .expect(304);
    expect(notModified.headers['x-cache']).toBe('hit');
  });

  it('never serves a cached public body to a request with a token', async () => {
    const article = await createPublishedArticle(services);
    await get(`/v1/articles/${article.slug}`);
    const withToken = await api.get(`/v1/articles/${article.slug}`).set('Authorization', moderator.header).expect(200);
    expect(withToken.headers['x-cache']).toBeUndefined();
    expect(withToken.headers['cache-control']).toBe('private, no-cache');
  });

  it('shows a newly published article in the next list read', async () => {
    await get('/v1/articles');
    expect((await get('/v1/articles')).headers['x-cache']).toBe('hit');
    const fresh = await createPublishedArticle(services);
    const after = await get('/v1/articles');
    expect(after.headers['x-cache']).toBeUndefined();
    expect(after.body.data[0].slug).toBe(fresh.slug);
  });

  it('shows a newly published revision at once, and recounts tags', async () => {
    const article = await createPublishedArticle(services, { tags: ['Before'] });
    await get(`/v1/articles/${article.slug}`);
    await get('/v1/tags/before');
    const draft = await services.articles.create(
      { title: 'Other', lang: 'en', body: 'x', tags: ['Before'] },
      TEST_ACTOR,
    );
    await services.publishing.publish(draft.id, {}, TEST_ACTOR);
    expect((await get('/v1/tags/before')).body.article_count).toBe(2);
  });

  it('shows an approved comment and the new comment_count at once', async () => {
    const article = await createPublishedArticle(services);
    const before = await get(`/v1/articles/${article.slug}`);
    expect(before.body.comment_count).toBe(0);
    await get(`/v1/articles/${article.slug}/comments`);
    await api
      .post(`/v1/articles/${article.slug}/comments`)
      .send({ author_name: 'Ada', author_email: 'ada@example.org', body: 'Bonjour' })
      .expect(202);
    const postedId = await lastCommentId();
    await api
      .patch(`/v1/comments/${postedId}`)
      .set('Authorization', moderator.header)
      .send({ status: 'approved' })
      .expect(200);
    expect((await get(`/v1/articles/${article.slug}`)).body.comment_count).toBe(1);
    expect((await get(`/v1/articles/${article.slug}/comments`)).body.data).toHaveLength(1);
    const list = await get('/v1/articles');
    expect(list.body.data.find((a: { slug: string }) => a.slug === article.slug).comment_count).toBe(1);

    await api.delete(`/v1/comments/${postedId}`).set('Authorization', moderator.header).expect(403);
  });

  it('can be turned off', async () => {
    const off = await buildTestApp({ config: { RESPONSE_CACHE_BYTES: 0 } });
    const article = await createPublishedArticle(off.services);
    await off.api.get(`/v1/articles/${article.slug}`).expect(200);
    const again = await off.api.get(`/v1/articles/${article.slug}`).expect(200);
    expect(again.headers['x-cache']).toBeUndefined();
  });
});
