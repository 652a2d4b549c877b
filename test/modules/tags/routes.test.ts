import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor', 'Ada');
const as = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', editor.header);

describe('POST /v1/tags', () => {
  it('creates a tag with a slug made from its name and a Location header', async () => {
    const res = await as(api.post('/v1/tags')).send({ name: 'Énergie verte', description: 'Hydro, wind' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/v1/tags/energie-verte');
    expect(res.body).toEqual({
      slug: 'energie-verte',
      name: 'Énergie verte',
      description: 'Hydro, wind',
      article_count: 0,
    });
  });

  it('answers 409 when the slug exists', async () => {
    await as(api.post('/v1/tags')).send({ name: 'Duplicate' });
    const res = await as(api.post('/v1/tags')).send({ name: 'Duplicate' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
  });
});

describe('PATCH and DELETE /v1/tags/{slug}', () => {
  it('renames a tag on published articles without touching revision history', async () => {
    const article = await createPublishedArticle(services, { tags: ['Old name'] });
    const res = await as(api.patch('/v1/tags/old-name')).send({ name: 'New name', slug: 'new-name' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ slug: 'new-name', name: 'New name', description: null, article_count: 1 });
    expect((await api.get(`/v1/articles/${article.slug}`)).body.tags).toEqual([{ slug: 'new-name', name: 'New name' }]);
    const revision = await as(api.get(`/v1/articles/${article.id}/revisions/1`));
    expect(revision.body.content.tags).toEqual([{ slug: 'old-name', name: 'Old name' }]);
  });

  it('refuses to delete a tag a published article shows, and deletes it once no article does', async () => {
    const article = await createPublishedArticle(services, { tags: ['Ephemeral'] });
    const refused = await as(api.delete('/v1/tags/ephemeral'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'conflict',
      detail: 'The tag "ephemeral" is on 1 published article: publish revisions without it first',
      article_count: 1,
    });
    expect((await api.get(`/v1/articles/${article.slug}`)).body.tags).toEqual([
      { slug: 'ephemeral', name: 'Ephemeral' },
    ]);

    await as(api.post(`/v1/articles/${article.id}/revisions`))
      .send({ base_revision: 1, tags: [] })
      .expect(201);
    await as(api.post(`/v1/articles/${article.id}/publish`)).expect(200);
    expect((await as(api.delete('/v1/tags/ephemeral'))).status).toBe(204);
    expect((await api.get('/v1/tags/ephemeral')).status).toBe(404);
    const revision = await as(api.get(`/v1/articles/${article.id}/revisions/1`));
    expect(revision.body.content.tags).toEqual([{ slug: 'ephemeral', name: 'Ephemeral' }]);
  });

  it('answers 404 for an unknown tag', async () => {
    expect((await as(api.patch('/v1/tags/nope')).send({ name: 'x' })).status).toBe(404);
    expect((await as(api.delete('/v1/tags/nope'))).status).toBe(404);
  });
});
