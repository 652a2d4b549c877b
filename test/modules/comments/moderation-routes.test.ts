import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../../helpers/factories.js';
import { approvedComment, lastCommentId, postComment } from './support.js';

const { api, services, probe } = await buildTestApp({ config: { TRUST_PROXY: true } });
const moderator = await createToken(services, 'moderator');
const admin = await createToken(services, 'admin');
const editor = await createToken(services, 'editor');

async function pending(slug: string, overrides: Parameters<typeof postComment>[2] = {}): Promise<number> {
  await postComment(api, slug, overrides).expect(202);
  return await lastCommentId(probe);
}

describe('access', () => {
  it('needs a moderator or admin token', async () => {
    expect((await api.get('/v1/comments')).status).toBe(401);
    const wrongRole = await api.get('/v1/comments').set('authorization', editor.header);
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.code).toBe('forbidden');
    expect((await api.get('/v1/comments').set('authorization', admin.header)).status).toBe(200);
  });

  it('keeps erasure for admins', async () => {
    const article = await createPublishedArticle(services);
    const id = await pending(article.slug);
    expect((await api.delete(`/v1/comments/${id}`).set('authorization', moderator.header)).status).toBe(403);
  });
});

describe('GET /v1/comments', () => {
  it('lists pending comments oldest first with e-mail, article and reasons, privately cached', async () => {
    const article = await createPublishedArticle(services);
    const a = await pending(article.slug, { author_email: 'a@example.com', body: 'First' });
    await approvedComment(api, services, probe, article.slug);
    const b = await pending(article.slug, { body: 'https://1.example https://2.example https://3.example' });
    const res = await api.get(`/v1/comments?article=${article.slug}`).set('authorization', moderator.header);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.body).toEqual({
      data: [
        {
          id: a,
          article: { id: article.id, slug: article.slug, title: article.title },
          parent_id: null,
          depth: 0,
          author_name: expect.any(String),
          author_email: 'a@example.com',
          body: 'First',
          status: 'pending',
          reasons: [],
          erased_at: null,
          created_at: expect.any(String),
          updated_at: expect.any(String),
        },
        expect.objectContaining({ id: b, reasons: [{ rule: 'links', detail: '3 links, more than 2' }] }),
      ],
      meta: { next_cursor: null },
    });
  });

  it('filters by status and by article id, and pages', async () => {
    const article = await createPublishedArticle(services);
    const approved = await approvedComment(api, services, probe, article.slug);
    const spam = await pending(article.slug, { website: 'x' });
    const open = await pending(article.slug);
    const ids = async (query: string) =>
      (
        await api.get(`/v1/comments?article=${article.id}&${query}`).set('authorization', moderator.header)
      ).body.data.map((c: { id: number }) => c.id);
    expect(await ids('status=spam')).toEqual([spam]);
    expect(await ids('status=approved')).toEqual([approved]);
    expect(await ids('status=all')).toEqual([approved, spam, open]);
    const page1 = await api
      .get(`/v1/comments?article=${article.id}&status=all&limit=2`)
      .set('authorization', moderator.header);
    expect(await ids(`status=all&limit=2&cursor=${page1.body.meta.next_cursor}`)).toEqual([open]);
  });

  it('answers 404 for an unknown article and 400 for an unknown status', async () => {
    const unknown = await api.get('/v1/comments?article=no-such-article').set('authorization', moderator.header);
    expect(unknown.status).toBe(404);
    const bad = await api.get('/v1/comments?status=deleted').set('authorization', moderator.header);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'query', path: 'status', message: expect.any(String) }]);
  });
});

describe('PATCH /v1/comments/{id}', () => {
  it('changes the status and appends who, when, from, to and why to the log', async () => {
    const article = await createPublishedArticle(services);
    const id = await pending(article.slug);
    const approve = await api
      .patch(`/v1/comments/${id}`)
      .set('authorization', moderator.header)
      .send({ status: 'approved', note: 'on topic' });
    expect(approve.status).toBe(200);
    expect(approve.headers['cache-control']).toBe('private, no-store');
    const reject = await api
      .patch(`/v1/comments/${id}`)
      .set('authorization', admin.header)
      .send({ status: 'rejected' });
    expect(reject.body).toMatchObject({ id, status: 'rejected' });
    expect(reject.body.moderation_log).toEqual([
      { actor: 'system', at: expect.any(String), from: null, to: 'pending', note: null },
      { actor: moderator.name, at: expect.any(String), from: 'pending', to: 'approved', note: 'on topic' },
      { actor: admin.name, at: expect.any(String), from: 'approved', to: 'rejected', note: null },
    ]);
    const detail = await api.get(`/v1/comments/${id}`).set('authorization', moderator.header);
    expect(detail.body).toEqual(reject.body);
  });

  it('logs nothing when the status does not change', async () => {
    const article = await createPublishedArticle(services);
    const id = await pending(article.slug);
    const res = await api
      .patch(`/v1/comments/${id}`)
      .set('authorization', moderator.header)
      .send({ status: 'pending' });
    expect(res.body.moderation_log).toHaveLength(1);
  });

  it('marks spam and back, keeping comment_count right', async () => {
    const article = await createPublishedArticle(services);
    const id = await approvedComment(api, services, probe, article.slug);
    const count = async () => (await api.get(`/v1/articles/${article.slug}`)).body.comment_count as number;
    expect(await count()).toBe(1);
    await api.patch(`/v1/comments/${id}`).set('authorization', moderator.header).send({ status: 'spam' });
    expect(await count()).toBe(0);
  });

  it('answers 404 for an unknown comment and 400 for a bad status, changing nothing', async () => {
    const missing = await api
      .patch('/v1/comments/999999')
      .set('authorization', moderator.header)
      .send({ status: 'approved' });
    expect(missing.status).toBe(404);
    const article = await createPublishedArticle(services);
    const id = await pending(article.slug);
    const bad = await api.patch(`/v1/comments/${id}`).set('authorization', moderator.header).send({ status: 'gone' });
    expect(bad.status).toBe(400);
    expect((await services.moderation.get(id)).moderation_log).toHaveLength(1);
    expect((await api.get('/v1/comments/abc').set('authorization', moderator.header)).status).toBe(400);
  });
});

describe('POST /v1/comments/moderate', () => {
  it('moderates many comments in one call, with a result per id', async () => {
    const article = await createPublishedArticle(services);
    const a = await pending(article.slug);
    const b = await pending(article.slug);
    const already = await approvedComment(api, services, probe, article.slug);
    const res = await api
      .post('/v1/comments/moderate')
      .set('authorization', moderator.header)
      .send({ ids: [a, 999_999, b, already], status: 'approved', note: 'batch' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      results: [
        { id: a, outcome: 'updated', from: 'pending', to: 'approved' },
        { id: 999_999, outcome: 'not_found', from: null, to: null },
        { id: b, outcome: 'updated', from: 'pending', to: 'approved' },
        { id: already, outcome: 'unchanged', from: 'approved', to: 'approved' },
      ],
    });
    expect((await services.moderation.get(b)).moderation_log.at(-1)).toEqual({
      actor: moderator.name,
      at: expect.any(String),
      from: 'pending',
      to: 'approved',
      note: 'batch',
    });
    expect((await api.get(`/v1/articles/${article.slug}`)).body.comment_count).toBe(3);
  });

  it('refuses repeated ids and an empty list', async () => {
    const repeated = await api
      .post('/v1/comments/moderate')
      .set('authorization', moderator.header)
      .send({ ids: [1, 1], status: 'spam' });
    expect(repeated.status).toBe(400);
    const empty = await api
      .post('/v1/comments/moderate')
      .set('authorization', moderator.header)
      .send({ ids: [], status: 'spam' });
    expect(empty.status).toBe(400);
  });
});

describe('DELETE /v1/comments/{id}', () => {
  it("erases the author's data, keeps the thread and the count right", async () => {
    const article = await createPublishedArticle(services);
    const parent = await approvedComment(api, services, probe, article.slug, { author_email: 'erase-me@example.com' });
    const reply = await approvedComment(api, services, probe, article.slug, { parent_id: parent });
    const res = await api.delete(`/v1/comments/${parent}`).set('authorization', admin.header);
    expect(res.status).toBe(204);
    expect(await services.moderation.get(parent)).toMatchObject({
      author_name: '[deleted]',
      author_email: null,
      body: '',
      status: 'approved',
      erased_at: expect.any(String),
    });
    expect((await services.moderation.get(parent)).moderation_log.at(-1)).toEqual({
      actor: admin.name,
      at: expect.any(String),
      from: 'approved',
      to: 'approved',
      note: 'personal data erased',
    });
    const thread = await api.get(`/v1/articles/${article.slug}/comments`);
    expect(thread.body.data).toEqual([
      {
        id: parent,
        parent_id: null,
        author_name: '[deleted]',
        body: '',
        body_html: '',
        created_at: expect.any(String),
      },
      expect.objectContaining({ id: reply, parent_id: parent }),
    ]);
    expect((await api.get(`/v1/articles/${article.slug}`)).body.comment_count).toBe(1);
    expect((await api.delete(`/v1/comments/${parent}`).set('authorization', admin.header)).status).toBe(204);
    expect((await services.moderation.get(parent)).moderation_log).toHaveLength(3);
  });

  it('answers 404 for an unknown comment', async () => {
    expect((await api.delete('/v1/comments/999999').set('authorization', admin.header)).status).toBe(404);
  });
});
