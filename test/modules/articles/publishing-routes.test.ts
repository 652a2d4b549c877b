import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { createDraftArticle, createToken } from '../../helpers/factories.js';

const clock = testClock();
const { api, services } = await buildTestApp({ clock });
const editor = await createToken(services, 'editor', 'Ada');
const admin = await createToken(services, 'admin', 'Root');

const as = (token: { header: string }) => ({
  get: (url: string) => api.get(url).set('authorization', token.header),
  post: (url: string, body: object = {}) => api.post(url).set('authorization', token.header).send(body),
});
const ed = as(editor);

describe('POST /v1/articles/{id}/publish', () => {
  it('publishes the head now and the public API serves exactly that revision', async () => {
    const article = await createDraftArticle(services, { title: 'Going live', tags: ['Live news'] });
    const res = await ed.post(`/v1/articles/${article.id}/publish`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'published', revision: 1, published_revision: 1, scheduled: null });
    const pub = await api.get(`/v1/articles/${article.slug}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({
      title: 'Going live',
      revision: 1,
      tags: [{ slug: 'live-news', name: 'Live news' }],
    });
    expect((await api.get('/v1/tags/live-news')).body.article_count).toBe(1);
  });

  it('needs no body at all to publish the head', async () => {
    const article = await createDraftArticle(services);
    const res = await api.post(`/v1/articles/${article.id}/publish`).set('authorization', editor.header);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'published', published_revision: 1 });
  });

  it('keeps drafts posted after publication private until they are published', async () => {
    const article = await createDraftArticle(services, { title: 'Public title', body: 'Public body' });
    await ed.post(`/v1/articles/${article.id}/publish`);
    await ed.post(`/v1/articles/${article.id}/revisions`, {
      base_revision: 1,
      title: 'Secret draft title',
      body: 'Secret',
    });

    const pub = await api.get(`/v1/articles/${article.slug}`);
    expect(pub.body).toMatchObject({ title: 'Public title', body: 'Public body', revision: 1 });
    const list = await api.get('/v1/articles?limit=100');
    expect(JSON.stringify(list.body)).not.toContain('Secret draft title');

    const view = await ed.get(`/v1/articles/${article.id}`);
    expect(view.body).toMatchObject({
      status: 'published',
      revision: 2,
      published_revision: 1,
      title: 'Secret draft title',
    });

    await ed.post(`/v1/articles/${article.id}/publish`, { revision: 2 });
    expect((await api.get(`/v1/articles/${article.slug}`)).body).toMatchObject({
      title: 'Secret draft title',
      revision: 2,
    });
  });

  it('never shows a draft to the public, in the list or by slug or id', async () => {
    const draft = await createDraftArticle(services, { title: 'Unpublished draft' });
    expect((await api.get(`/v1/articles/${draft.slug}`)).status).toBe(404);
    expect((await api.get(`/v1/articles/${draft.id}`)).status).toBe(404);
    const list = await api.get('/v1/articles?limit=100');
    expect(list.body.data.map((a: { id: string }) => a.id)).not.toContain(draft.id);
    const filtered = await api.get('/v1/articles?status=draft');
    expect(filtered.status).toBe(401);
  });

  it('answers 400 for a revision the article does not have, and changes nothing', async () => {
    const article = await createDraftArticle(services);
    const res = await ed.post(`/v1/articles/${article.id}/publish`, { revision: 5 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ in: 'body', path: 'revision', message: 'the article has no revision 5' }]);
    expect((await ed.get(`/v1/articles/${article.id}`)).body.status).toBe('draft');
  });
});

describe('scheduled publication', () => {
  it('appears on its own at its time, with no cron, and is "scheduled" until then', async () => {
    const article = await createDraftArticle(services, { title: 'Morning edition', tags: ['Morning'] });
    const at = new Date(clock.now() + 60 * 60 * 1000).toISOString();
    const res = await ed.post(`/v1/articles/${article.id}/publish`, { at });
    expect(res.body).toMatchObject({ status: 'scheduled', published_revision: null, scheduled: { revision: 1, at } });
    expect((await api.get(`/v1/articles/${article.slug}`)).status).toBe(404);
    const scheduled = await ed.get('/v1/articles?status=scheduled');
    expect(scheduled.body.data.map((a: { id: string }) => a.id)).toContain(article.id);

    clock.advance(59 * 60 * 1000);
    expect((await api.get(`/v1/articles/${article.slug}`)).status).toBe(404);

    clock.advance(60 * 1000);
    const pub = await api.get(`/v1/articles/${article.slug}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ title: 'Morning edition', published_at: at });
    expect((await api.get('/v1/tags/morning')).body.article_count).toBe(1);
    expect((await ed.get(`/v1/articles/${article.id}`)).body).toMatchObject({ status: 'published', scheduled: null });
  });

  it('is cancelled by unpublish', async () => {
    const article = await createDraftArticle(services);
    await ed.post(`/v1/articles/${article.id}/publish`, { at: new Date(clock.now() + 1000).toISOString() });
    const res = await ed.post(`/v1/articles/${article.id}/unpublish`);
    expect(res.body).toMatchObject({ status: 'draft', scheduled: null });
    clock.advance(2000);
    expect((await api.get(`/v1/articles/${article.slug}`)).status).toBe(404);
  });
});

describe('POST /v1/articles/{id}/unpublish and DELETE /v1/articles/{id}', () => {
  it('unpublish removes the article from the public API and from tag and credit counts', async () => {
    const article = await createDraftArticle(services, {
      tags: ['Withdrawn'],
      credits: [{ role: 'author', name: 'Withdrawn Author' }],
    });
    await ed.post(`/v1/articles/${article.id}/publish`);
    expect((await api.get('/v1/tags/withdrawn')).body.article_count).toBe(1);
    const res = await ed.post(`/v1/articles/${article.id}/unpublish`);
    expect(res.body).toMatchObject({ status: 'draft', published_revision: null, published_at: null });
    expect((await api.get(`/v1/articles/${article.slug}`)).status).toBe(404);
    expect((await ed.get('/v1/tags/withdrawn')).body.article_count).toBe(0);
    expect((await api.get('/v1/tags/withdrawn')).status).toBe(404);
    const creditId = (await ed.get(`/v1/articles/${article.id}`)).body.credits[0].credit_id;
    expect((await ed.get(`/v1/credits/${creditId}`)).body.article_count).toBe(0);
    expect((await api.get(`/v1/credits/${creditId}`)).status).toBe(404);
  });

  it('unpublish answers 409 for an article that is not published', async () => {
    const article = await createDraftArticle(services);
    expect((await ed.post(`/v1/articles/${article.id}/unpublish`)).status).toBe(409);
  });

  it('archiving (admins) hides the article for good and keeps its history', async () => {
    const article = await createDraftArticle(services);
    await ed.post(`/v1/articles/${article.id}/publish`);
    expect((await api.delete(`/v1/articles/${article.id}`).set('authorization', editor.header)).status).toBe(403);
    expect((await api.delete(`/v1/articles/${article.id}`).set('authorization', admin.header)).status).toBe(204);
    expect((await api.get(`/v1/articles/${article.slug}`)).status).toBe(404);
    expect((await ed.get(`/v1/articles/${article.id}`)).body).toMatchObject({ status: 'archived', revision: 1 });
    expect((await ed.get(`/v1/articles/${article.id}/revisions`)).body.data).toHaveLength(1);
    const archived = await ed.get('/v1/articles?status=archived');
    expect(archived.body.data.map((a: { id: string }) => a.id)).toContain(article.id);
    // An editor cannot bring it back by publishing again.
    const republish = await ed.post(`/v1/articles/${article.id}/publish`);
    expect(republish.status).toBe(409);
    expect(republish.body.detail).toBe('The article is archived: archived articles cannot be published');
    expect((await api.get(`/v1/articles/${article.slug}`)).status).toBe(404);
  });
});

describe('a published slug that changes', () => {
  it('keeps the old URL working with a 301 to the new one, once the new slug is published', async () => {
    const article = await createDraftArticle(services, { slug: 'old-name' });
    await ed.post(`/v1/articles/${article.id}/publish`);
    await ed.post(`/v1/articles/${article.id}/revisions`, { base_revision: 1, slug: 'new-name' });
    expect((await api.get('/v1/articles/old-name')).status).toBe(200);
    expect((await api.get('/v1/articles/new-name')).status).toBe(404);

    await ed.post(`/v1/articles/${article.id}/publish`);
    const moved = await api.get('/v1/articles/old-name');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/v1/articles/new-name');
    expect((await api.get('/v1/articles/new-name')).body).toMatchObject({ id: article.id, slug: 'new-name' });
  });
});

describe('PATCH /v1/articles/{article}', () => {
  it('closes comments without making a revision, and is audited', async () => {
    const article = await createDraftArticle(services);
    const res = await api
      .patch(`/v1/articles/${article.id}`)
      .set('authorization', editor.header)
      .send({ comments_open: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ comments_open: false, revision: 1 });
    const audit = await as(admin).get(`/v1/audit?article_id=${article.id}`);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual([
      'article.comments_close',
      'article.create',
    ]);
  });

  it('finds the article by slug as well as by id, like the GET at the same URL', async () => {
    const article = await createDraftArticle(services, { slug: 'patched-by-slug' });
    const res = await api
      .patch('/v1/articles/patched-by-slug')
      .set('authorization', editor.header)
      .send({ comments_open: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: article.id, comments_open: false });
  });

  it('answers 404 for an id or slug that names no article', async () => {
    const res = await api
      .patch('/v1/articles/no-such-article')
      .set('authorization', editor.header)
      .send({ comments_open: false });
    expect(res.status).toBe(404);
  });
});

describe('DELETE /v1/articles/{article}', () => {
  it('archives the article named by its slug', async () => {
    const article = await createDraftArticle(services, { slug: 'archived-by-slug' });
    expect((await api.delete('/v1/articles/archived-by-slug').set('authorization', admin.header)).status).toBe(204);
    expect((await ed.get(`/v1/articles/${article.id}`)).body).toMatchObject({ status: 'archived' });
  });
});

describe('comments after a slug change', () => {
  it('stay reachable under the old slug: posted to the article there, read through a redirect', async () => {
    const article = await createDraftArticle(services, { title: 'Ancien titre de fjord' });
    await ed.post(`/v1/articles/${article.id}/publish`).expect(200);
    await ed.post(`/v1/articles/${article.id}/revisions`, { base_revision: 1, slug: 'nouveau-fjord' }).expect(201);
    await ed.post(`/v1/articles/${article.id}/publish`).expect(200);
    const posted = await api
      .post(`/v1/articles/${article.slug}/comments`)
      .send({ author_name: 'Liv', author_email: 'liv@example.no', body: 'Toujours là' });
    expect(posted.status).toBe(202);
    const moved = await api.get(`/v1/articles/${article.slug}/comments`);
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/v1/articles/nouveau-fjord/comments');
    expect((await api.get('/v1/articles/nouveau-fjord/comments')).status).toBe(200);
  });
});
