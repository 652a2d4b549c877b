/**
 * An old slug answers 301 only if readers were once served the article under it: a draft's
 * working slug, renamed before it was ever published, must answer like a slug that never existed,
 * or a guessed working title is confirmed.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createDraftArticle, createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor');
const post = (url: string, body: object = {}) => api.post(url).set('authorization', editor.header).send(body);

const notFoundBody = (slug: string) => ({
  type: expect.any(String),
  title: 'Not found',
  status: 404,
  code: 'not_found',
  detail: `No published article with id or slug "${slug}"`,
  instance: `/v1/articles/${slug}`,
  request_id: expect.any(String),
});

async function rename(id: string, base: number, slug: string) {
  await post(`/v1/articles/${id}/revisions`, { base_revision: base, slug }).expect(201);
}

describe('a draft renamed before its first publication', () => {
  it('answers 404 under its working slug, as a slug that never existed does', async () => {
    const article = await createDraftArticle(services, { slug: 'working-title-merger' });
    await rename(article.id, 1, 'announced-title');
    await post(`/v1/articles/${article.id}/publish`).expect(200);

    const working = await api.get('/v1/articles/working-title-merger');
    expect(working.status).toBe(404);
    expect(working.body).toEqual(notFoundBody('working-title-merger'));
    expect(working.headers.location).toBeUndefined();
    expect((await api.get('/v1/articles/announced-title')).status).toBe(200);
  });

  it('does not open the comments under the working slug either', async () => {
    const article = await createDraftArticle(services, { slug: 'working-title-comments' });
    await rename(article.id, 1, 'public-title-comments');
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    expect((await api.get('/v1/articles/working-title-comments/comments')).status).toBe(404);
    const posted = await api
      .post('/v1/articles/working-title-comments/comments')
      .send({ author_name: 'Liv', author_email: 'liv@example.no', body: 'Hei' });
    expect(posted.status).toBe(404);
    expect((await api.get('/v1/articles/public-title-comments/comments')).status).toBe(200);
  });

  it('keeps the working slugs out of reach after several renames, and lets them go for editors too', async () => {
    const article = await createDraftArticle(services, { slug: 'draft-one' });
    await rename(article.id, 1, 'draft-two');
    await rename(article.id, 2, 'final-slug');
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    expect((await api.get('/v1/articles/draft-one')).status).toBe(404);
    expect((await api.get('/v1/articles/draft-two')).status).toBe(404);
    const forEditor = await api.get('/v1/articles/draft-one').set('authorization', editor.header);
    expect(forEditor.status).toBe(404);
    expect((await api.get('/v1/articles/final-slug')).body).toMatchObject({ id: article.id, slug: 'final-slug' });
  });
});

describe('a slug that was public', () => {
  it('redirects after a rename published while the article is live', async () => {
    const article = await createDraftArticle(services, { slug: 'live-before' });
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    await rename(article.id, 1, 'live-after');
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    const moved = await api.get('/v1/articles/live-before');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/v1/articles/live-after');
  });

  it('still redirects when the article is renamed while unpublished and published again', async () => {
    const article = await createDraftArticle(services, { slug: 'was-public' });
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    await post(`/v1/articles/${article.id}/unpublish`).expect(200);
    expect((await api.get('/v1/articles/was-public')).status).toBe(404);
    await rename(article.id, 1, 'public-again');
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    const moved = await api.get('/v1/articles/was-public');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/v1/articles/public-again');
  });

  it('does not carry a working slug taken while unpublished into the redirects', async () => {
    const article = await createDraftArticle(services, { slug: 'first-public' });
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    await post(`/v1/articles/${article.id}/unpublish`).expect(200);
    await rename(article.id, 1, 'secret-interim');
    await rename(article.id, 2, 'second-public');
    await post(`/v1/articles/${article.id}/publish`).expect(200);
    expect((await api.get('/v1/articles/secret-interim')).status).toBe(404);
    expect((await api.get('/v1/articles/first-public')).headers.location).toBe('/v1/articles/second-public');
  });
});
