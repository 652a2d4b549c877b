import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createDraftArticle, createPublishedArticle } from '../../helpers/factories.js';
import { approvedComment, commentInput, lastCommentId, postComment, uniqueIp } from './support.js';

const { api, services, probe } = await buildTestApp({ config: { TRUST_PROXY: true } });

describe('POST /v1/articles/{slug}/comments', () => {
  it('accepts a comment as pending and stores it with its arrival logged', async () => {
    const article = await createPublishedArticle(services);
    const input = commentInput({ author_email: 'Mixed.Case@Example.com' });
    const res = await api.post(`/v1/articles/${article.slug}/comments`).set('x-forwarded-for', uniqueIp()).send(input);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'pending', author_key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const id = await lastCommentId(probe);
    expect(await services.moderation.get(id)).toEqual({
      id,
      article: { id: article.id, slug: article.slug, title: article.title },
      parent_id: null,
      depth: 0,
      author_name: input.author_name,
      author_email: 'mixed.case@example.com',
      body: input.body,
      status: 'pending',
      reasons: [],
      erased_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      moderation_log: [{ actor: 'system', at: expect.any(String), from: null, to: 'pending', note: null }],
    });
  });

  it('lists every invalid field in one 400 problem and stores nothing', async () => {
    const article = await createPublishedArticle(services);
    const res = await api
      .post(`/v1/articles/${article.slug}/comments`)
      .send({ author_name: 'x'.repeat(81), author_email: 'not-an-email', body: '' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(res.body.errors).toEqual([
      { in: 'body', path: 'author_name', message: 'must be 1 to 80 characters' },
      { in: 'body', path: 'author_email', message: 'must be a valid e-mail address' },
      { in: 'body', path: 'body', message: 'must be 1 to 5000 characters' },
    ]);
    const queue = await services.moderation.queue({ status: 'all', article: article.id, limit: 10 });
    expect(queue.data).toEqual([]);
  });

  it('refuses a body longer than 5000 characters and a missing name', async () => {
    const article = await createPublishedArticle(services);
    const res = await api
      .post(`/v1/articles/${article.slug}/comments`)
      .send({ author_email: 'a@example.com', body: 'x'.repeat(5001) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { in: 'body', path: 'author_name', message: 'is required' },
      { in: 'body', path: 'body', message: 'must be 1 to 5000 characters' },
    ]);
  });

  it('answers malformed input with a 4xx problem, never a 500, and stores nothing', async () => {
    const article = await createPublishedArticle(services);
    const url = `/v1/articles/${article.slug}/comments`;
    const valid = commentInput();
    const cases = [
      api.post(url).set('content-type', 'application/json').send('{"author_name":'),
      api.post(url).set('content-type', 'text/plain').send('hello'),
      api.post(url).send([valid]),
      api.post(url).send({ ...valid, parent_id: 1e20 }),
      api.post(url).send({ ...valid, parent_id: '1' }),
      api.post(url).send({ ...valid, website: 42 }),
      api.post(url).send({ ...valid, body: '   ' }),
      api.post(`/v1/articles/${'x'.repeat(400)}/comments`).send(valid),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const queue = await services.moderation.queue({ status: 'all', article: article.id, limit: 10 });
    expect(queue.data).toEqual([]);
  });

  it('answers 404 for an unknown or unpublished article', async () => {
    const draft = await createDraftArticle(services);
    for (const slug of ['no-such-article', draft.slug]) {
      const res = await postComment(api, slug);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
    }
  });

  it('answers 403 when comments are closed', async () => {
    const article = await createPublishedArticle(services, { comments_open: false });
    const res = await postComment(api, article.slug);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      status: 403,
      code: 'forbidden',
      detail: `Comments are closed on "${article.slug}"`,
    });
  });
});

describe('replies', () => {
  it('accepts a reply to an approved comment of the same article, one level deeper', async () => {
    const article = await createPublishedArticle(services);
    const parent = await approvedComment(api, services, probe, article.slug);
    const res = await postComment(api, article.slug, { parent_id: parent });
    expect(res.status).toBe(202);
    expect(await services.moderation.get(await lastCommentId(probe))).toMatchObject({ parent_id: parent, depth: 1 });
  });

  it('refuses a parent that is pending, unknown or on another article', async () => {
    const article = await createPublishedArticle(services);
    const other = await createPublishedArticle(services);
    await postComment(api, article.slug).expect(202);
    const pending = await lastCommentId(probe);
    const elsewhere = await approvedComment(api, services, probe, other.slug);
    for (const parentId of [pending, elsewhere, 999_999]) {
      const res = await postComment(api, article.slug, { parent_id: parentId });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'bad_request',
        errors: [{ in: 'body', path: 'parent_id', message: 'is not an approved comment of this article' }],
      });
    }
  });

  it('nests replies three levels deep and no deeper', async () => {
    const article = await createPublishedArticle(services);
    const level0 = await approvedComment(api, services, probe, article.slug);
    const level1 = await approvedComment(api, services, probe, article.slug, { parent_id: level0 });
    const level2 = await approvedComment(api, services, probe, article.slug, { parent_id: level1 });
    const res = await postComment(api, article.slug, { parent_id: level2 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { in: 'body', path: 'parent_id', message: 'is a reply at the deepest level; replies nest 3 levels' },
    ]);
  });
});

describe('GET /v1/articles/{slug}/comments', () => {
  it('lists approved comments only, oldest first, with escaped and linked HTML', async () => {
    const article = await createPublishedArticle(services);
    const first = await approvedComment(api, services, probe, article.slug, {
      body: 'Read <b>this</b>: https://example.com\nThanks',
    });
    await postComment(api, article.slug);
    const reply = await approvedComment(api, services, probe, article.slug, { parent_id: first, body: 'Agreed.' });
    const res = await api.get(`/v1/articles/${article.slug}/comments`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public/);
    expect(res.body).toEqual({
      data: [
        {
          id: first,
          parent_id: null,
          author_name: expect.any(String),
          body: 'Read <b>this</b>: https://example.com\nThanks',
          body_html:
            'Read &lt;b&gt;this&lt;/b&gt;: <a href="https://example.com" rel="nofollow ugc noopener">https://example.com</a><br>Thanks',
          created_at: expect.any(String),
        },
        {
          id: reply,
          parent_id: first,
          author_name: expect.any(String),
          body: 'Agreed.',
          body_html: 'Agreed.',
          created_at: expect.any(String),
        },
      ],
      meta: { next_cursor: null },
    });
  });

  it('pages with an opaque cursor and rejects a forged one', async () => {
    const article = await createPublishedArticle(services);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await approvedComment(api, services, probe, article.slug));
    const page1 = await api.get(`/v1/articles/${article.slug}/comments?limit=2`);
    expect(page1.body.data.map((c: { id: number }) => c.id)).toEqual(ids.slice(0, 2));
    const page2 = await api.get(`/v1/articles/${article.slug}/comments?limit=2&cursor=${page1.body.meta.next_cursor}`);
    expect(page2.body).toEqual({ data: [expect.objectContaining({ id: ids[2] })], meta: { next_cursor: null } });
    const forged = await api.get(`/v1/articles/${article.slug}/comments?cursor=bm9wZQ`);
    expect(forged.status).toBe(400);
    expect((await api.get(`/v1/articles/${article.slug}/comments?limit=101`)).status).toBe(400);
  });

  it('answers 304 to a matching If-None-Match, and a new ETag once a comment is approved', async () => {
    const article = await createPublishedArticle(services);
    const first = await api.get(`/v1/articles/${article.slug}/comments`);
    const again = await api
      .get(`/v1/articles/${article.slug}/comments`)
      .set('if-none-match', String(first.headers.etag));
    expect(again.status).toBe(304);
    await approvedComment(api, services, probe, article.slug);
    const changed = await api
      .get(`/v1/articles/${article.slug}/comments`)
      .set('if-none-match', String(first.headers.etag));
    expect(changed.status).toBe(200);
  });

  it('answers 404 for an unpublished article', async () => {
    const draft = await createDraftArticle(services);
    expect((await api.get(`/v1/articles/${draft.slug}/comments`)).status).toBe(404);
  });
});

describe('comment_count', () => {
  it('counts approved comments and follows each moderation', async () => {
    const article = await createPublishedArticle(services);
    const count = async () => (await api.get(`/v1/articles/${article.slug}`)).body.comment_count as number;
    const a = await approvedComment(api, services, probe, article.slug);
    await approvedComment(api, services, probe, article.slug);
    await postComment(api, article.slug);
    expect(await count()).toBe(2);
    await services.moderation.moderate(a, { status: 'rejected' }, 'test');
    expect(await count()).toBe(1);
    await services.moderation.moderate(a, { status: 'approved' }, 'test');
    expect(await count()).toBe(2);
    await services.moderation.erase(a, 'test');
    expect(await count()).toBe(1);
  });
});

describe('concurrent identical comments', () => {
  it('store exactly one, even when they share one commit', async () => {
    const article = await createPublishedArticle(services);
    const post = () =>
      api
        .post(`/v1/articles/${article.slug}/comments`)
        .send({ author_name: 'Twin', author_email: 'twin@example.org', body: 'Exactly the same words' });
    const before = await lastCommentId(probe);
    const statuses = (await Promise.all([post(), post(), post(), post()])).map((r) => r.status);
    expect(statuses).toEqual([202, 202, 202, 202]);
    expect(await lastCommentId(probe)).toBe(before + 1);
  });
});
