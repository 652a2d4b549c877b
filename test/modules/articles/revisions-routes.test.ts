import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createDraftArticle, createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const ada = await createToken(services, 'editor', 'Ada');
const bob = await createToken(services, 'editor', 'Bob');

function revise(id: string, body: Record<string, unknown>, token = ada) {
  return api.post(`/v1/articles/${id}/revisions`).set('authorization', token.header).send(body);
}

describe('POST /v1/articles/{id}/revisions', () => {
  it('appends revision 2 that carries over the omitted fields', async () => {
    const article = await createDraftArticle(services, { title: 'Original', body: 'Body one.' });
    const res = await revise(article.id, { base_revision: 1, title: 'Better title', message: 'Sharper title' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: article.id,
      revision: 2,
      title: 'Better title',
      body: 'Body one.',
      status: 'draft',
      merged_onto: null,
    });
    expect(res.headers.etag).toMatch(/^"r2\./);
  });

  it('answers 428 when neither base_revision nor If-Match says what the edit was based on', async () => {
    const article = await createDraftArticle(services);
    const res = await revise(article.id, { title: 'No base' });
    expect(res.status).toBe(428);
    expect(res.body).toMatchObject({ code: 'precondition_required', status: 428 });
    const history = await api.get(`/v1/articles/${article.id}/revisions`).set('authorization', ada.header);
    expect(history.body.data).toHaveLength(1);
  });

  it('takes the base from If-Match with the ETag of the editor view', async () => {
    const article = await createDraftArticle(services);
    const view = await api.get(`/v1/articles/${article.id}`).set('authorization', ada.header);
    expect(view.headers.etag).toMatch(/^"r1\./);
    const res = await api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('authorization', ada.header)
      .set('if-match', view.headers.etag as string)
      .send({ body: 'Edited through If-Match.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ revision: 2, body: 'Edited through If-Match.' });
  });

  it('answers 412 to an If-Match that is not an article ETag', async () => {
    const article = await createDraftArticle(services);
    const res = await api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('authorization', ada.header)
      .set('if-match', '"something-else"')
      .send({ title: 'x' });
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ code: 'precondition_failed', status: 412 });
  });

  it('returns the head with 200 and writes nothing when the edit changes nothing', async () => {
    const article = await createDraftArticle(services, { title: 'Same' });
    const res = await revise(article.id, { base_revision: 1, title: 'Same' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revision: 1, title: 'Same', merged_onto: null });
  });

  it('merges an edit on a stale base when the fields it changes were not changed since', async () => {
    const article = await createDraftArticle(services, { title: 'T', body: 'B' });
    expect((await revise(article.id, { base_revision: 1, title: 'Title by Bob' }, bob)).status).toBe(201);
    const res = await revise(article.id, { base_revision: 1, body: 'Body by Ada' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ revision: 3, title: 'Title by Bob', body: 'Body by Ada', merged_onto: 2 });
  });

  it('refuses with 409 and each conflicting field when the same field was changed since the base', async () => {
    const article = await createDraftArticle(services, { title: 'Base title', body: 'B' });
    await revise(article.id, { base_revision: 1, title: 'Their title' }, bob);
    const res = await revise(article.id, { base_revision: 1, title: 'My title', body: 'My body' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: '/problems/conflict',
      title: 'Conflict',
      status: 409,
      code: 'conflict',
      detail: expect.stringContaining('Revision 2 changed title since revision 1'),
      instance: `/v1/articles/${article.id}/revisions`,
      request_id: expect.any(String),
      current_revision: 2,
      conflicts: [{ field: 'title', base: 'Base title', theirs: 'Their title', yours: 'My title' }],
    });
    const head = await api.get(`/v1/articles/${article.id}`).set('authorization', ada.header);
    expect(head.body).toMatchObject({ revision: 2, title: 'Their title', body: 'B' });
  });

  it('does not count the same change made on both sides as a conflict', async () => {
    const article = await createDraftArticle(services, { title: 'Typo tilte' });
    await revise(article.id, { base_revision: 1, title: 'Typo title' }, bob);
    const res = await revise(article.id, { base_revision: 1, title: 'Typo title' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revision: 2, title: 'Typo title' });
  });

  it('answers 400 to a base revision the article does not have', async () => {
    const article = await createDraftArticle(services);
    const res = await revise(article.id, { base_revision: 7, title: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ in: 'body', path: 'base_revision', message: 'the article has no revision 7' }]);
  });

  it('lists every invalid field, including unknown ones, and writes nothing', async () => {
    const article = await createDraftArticle(services);
    const res = await revise(article.id, { base_revision: 1, title: '', slug: 'Not A Slug', comments_open: false });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['comments_open', 'slug', 'title']);
    expect(res.body.errors.find((e: { path: string }) => e.path === 'comments_open').message).toBe(
      'is not a known field',
    );
  });

  it('answers 409 when the new slug belongs to another article', async () => {
    const other = await createDraftArticle(services, { slug: 'taken-slug' });
    const article = await createDraftArticle(services);
    const res = await revise(article.id, { base_revision: 1, slug: 'taken-slug' });
    expect(other.slug).toBe('taken-slug');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', detail: 'The slug "taken-slug" belongs to another article' });
  });

  it('answers 404 for an unknown article', async () => {
    const res = await revise('0190a1b2-0000-7000-8000-000000000000', { base_revision: 1, title: 'x' });
    expect(res.status).toBe(404);
  });
});

describe('concurrent writers', () => {
  it('never lets two edits of the same field both win, and never drops an accepted edit', async () => {
    const article = await createDraftArticle(services, { title: 'Start', body: 'Start body' });
    const writers = Array.from({ length: 8 }, (_, i) =>
      revise(article.id, { base_revision: 1, title: `Title ${i}` }, i % 2 ? ada : bob),
    );
    const results = await Promise.all(writers);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = results.find((r) => r.status === 201);
    const head = await api.get(`/v1/articles/${article.id}`).set('authorization', ada.header);
    expect(head.body).toMatchObject({ revision: 2, title: winner?.body.title });
  });

  it('merges every concurrent edit of distinct fields, so none is lost', async () => {
    const article = await createDraftArticle(services, { title: 'T', body: 'B', standfirst: 'S' });
    const results = await Promise.all([
      revise(article.id, { base_revision: 1, title: 'New title' }),
      revise(article.id, { base_revision: 1, body: 'New body' }, bob),
      revise(article.id, { base_revision: 1, standfirst: 'New standfirst' }),
      revise(article.id, { base_revision: 1, tags: ['Concurrency'] }, bob),
    ]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.body.revision).sort()).toEqual([2, 3, 4, 5]);
    const head = await api.get(`/v1/articles/${article.id}`).set('authorization', ada.header);
    expect(head.body).toMatchObject({
      revision: 5,
      title: 'New title',
      body: 'New body',
      standfirst: 'New standfirst',
      tags: [{ slug: 'concurrency', name: 'Concurrency' }],
    });
  });
});
