import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const admin = await createToken(services, 'admin', 'Root');
const ada = await createToken(services, 'editor', 'Ada');
const bob = await createToken(services, 'editor', 'Bob');
const get = (url: string) => api.get(url).set('authorization', admin.header);

async function editorialStory() {
  const created = await api
    .post('/v1/articles')
    .set('authorization', ada.header)
    .send({ title: `Audited ${Math.random()}`, lang: 'en', body: 'One' });
  const id = created.body.id as string;
  const post = (url: string, body: object, token = ada) => api.post(url).set('authorization', token.header).send(body);
  await post(`/v1/articles/${id}/revisions`, { base_revision: 1, title: 'Two' }, bob);
  await post(`/v1/articles/${id}/revisions`, { base_revision: 1, body: 'Merged' });
  await post(`/v1/articles/${id}/revisions/1/restore`, { base_revision: 3 });
  await post(`/v1/articles/${id}/publish`, {});
  await post(`/v1/articles/${id}/publish`, { at: '2999-01-01T00:00:00.000Z' });
  await post(`/v1/articles/${id}/unpublish`, {});
  await api.delete(`/v1/articles/${id}`).set('authorization', admin.header);
  return id;
}

describe('GET /v1/audit', () => {
  it('records every editorial action on an article, newest first', async () => {
    const id = await editorialStory();
    const res = await get(`/v1/audit?article_id=${id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`)).toEqual([
      'Root article.archive',
      'Ada article.unpublish',
      'Ada article.schedule',
      'Ada article.publish',
      'Ada article.restore',
      'Ada article.merge',
      'Bob article.revise',
      'Ada article.create',
    ]);
    expect(res.body.data[5]).toEqual({
      id: expect.any(Number),
      at: expect.any(String),
      actor: 'Ada',
      action: 'article.merge',
      article_id: id,
      subject_type: 'article',
      subject_id: id,
      details: { base_revision: 1, merged_onto: 2, revision: 3 },
    });
  });

  it('filters by actor and pages with a cursor', async () => {
    await editorialStory();
    const first = await get('/v1/audit?actor=Bob&limit=1');
    expect(first.body.data).toEqual([expect.objectContaining({ actor: 'Bob', action: 'article.revise' })]);
    expect(first.body.meta.next_cursor).toEqual(expect.any(String));
    const second = await get(`/v1/audit?actor=Bob&limit=1&cursor=${first.body.meta.next_cursor}`);
    expect(second.body.data).toEqual([expect.objectContaining({ actor: 'Bob' })]);
    expect(second.body.data[0].id).toBeLessThan(first.body.data[0].id);
  });

  it('records token creation and revocation', async () => {
    const created = await api
      .post('/v1/tokens')
      .set('authorization', admin.header)
      .send({ name: 'Temp', role: 'moderator' });
    await api.delete(`/v1/tokens/${created.body.id}`).set('authorization', admin.header);
    const res = await get('/v1/audit?actor=Root&limit=2');
    expect(res.body.data.map((e: { action: string; subject_id: string }) => [e.action, e.subject_id])).toEqual([
      ['token.revoke', String(created.body.id)],
      ['token.create', String(created.body.id)],
    ]);
  });
});
