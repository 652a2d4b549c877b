import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor', 'Ada');
const as = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', editor.header);

describe('DELETE /v1/credits/{id} while in use', () => {
  it('refuses with 409 and leaves the published article as it is', async () => {
    const created = await as(api.post('/v1/articles')).send({
      title: 'Photo du jour',
      lang: 'fr',
      body: 'x',
      credits: [{ role: 'image', name: 'Sigrid', organization: 'Fjordfoto' }],
    });
    await as(api.post(`/v1/articles/${created.body.id}/publish`)).expect(200);
    const creditId = created.body.credits[0].credit_id;
    const refused = await as(api.delete(`/v1/credits/${creditId}`));
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe(
      `Credit ${creditId} is on 1 published article: publish revisions without it first`,
    );
    expect((await api.get(`/v1/articles/${created.body.slug}`)).body.credits).toEqual([
      { id: creditId, role: 'image', name: 'Sigrid', organization: 'Fjordfoto', url: null, license: null },
    ]);
  });
});

describe('credits writes', () => {
  it('creates, updates and deletes a credit', async () => {
    const created = await as(api.post('/v1/credits')).send({ name: 'Ben Wicks', organization: 'Unsplash' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: 'Ben Wicks',
      organization: 'Unsplash',
      url: null,
      license: null,
      article_count: 0,
    });
    expect(created.headers.location).toBe(`/v1/credits/${created.body.id}`);

    const updated = await as(api.patch(`/v1/credits/${created.body.id}`)).send({ license: 'Unsplash License' });
    expect(updated.body).toMatchObject({ name: 'Ben Wicks', license: 'Unsplash License' });

    expect((await as(api.delete(`/v1/credits/${created.body.id}`))).status).toBe(204);
    expect((await api.get(`/v1/credits/${created.body.id}`)).status).toBe(404);
  });

  it('renaming a credit shows on published articles; the revision keeps the old name', async () => {
    const article = await createPublishedArticle(services, { credits: [{ role: 'image', name: 'Photographer' }] });
    const creditId = (await api.get(`/v1/articles/${article.slug}`)).body.credits[0].id;
    await as(api.patch(`/v1/credits/${creditId}`)).send({ name: 'Renamed Photographer' });
    expect((await api.get(`/v1/articles/${article.slug}`)).body.credits[0].name).toBe('Renamed Photographer');
    const revision = await as(api.get(`/v1/articles/${article.id}/revisions/1`));
    expect(revision.body.content.credits[0]).toMatchObject({ name: 'Photographer', role: 'image' });
  });

  it('lists every invalid field', async () => {
    const res = await as(api.post('/v1/credits')).send({ name: '', url: 'ftp://x' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'url']);
  });
});
