/**
 * Drafts create tags and credits as they are written; until a published article shows one, the
 * public API must not confirm it exists (an embargoed name, a credit id to watch), while editors
 * see every one. Reads are cached, so each direction of a change is checked through the cache.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor');
const admin = await createToken(services, 'admin');
const moderator = await createToken(services, 'moderator');
const as = (token: { header: string }) => ({
  get: (url: string) => api.get(url).set('authorization', token.header),
  post: (url: string) => api.post(url).set('authorization', token.header),
});

const notFound = (detail: string, instance: string) => ({
  type: expect.any(String),
  title: 'Not found',
  status: 404,
  code: 'not_found',
  detail,
  instance,
  request_id: expect.any(String),
});

/** A draft with a tag and a credit nobody else uses; returns the draft's id and the credit's id. */
async function draftWith(name: string) {
  const created = await as(editor)
    .post('/v1/articles')
    .send({
      title: `Embargo ${name}`,
      lang: 'en',
      body: 'Not yet.',
      tags: [`Secret ${name}`],
      credits: [{ role: 'source', name: `Insider ${name}` }],
    })
    .expect(201);
  return { id: created.body.id as string, creditId: created.body.credits[0].credit_id as number };
}

const tagSlugs = async (req = api.get('/v1/tags?limit=100')) =>
  (await req).body.data.map((t: { slug: string }) => t.slug);
const creditIds = async (req = api.get('/v1/credits?limit=100')) =>
  (await req).body.data.map((c: { id: number }) => c.id);

describe('tags and credits only a draft uses', () => {
  it('are hidden from the public: absent from the lists, and the same 404 as a name that never existed', async () => {
    const { creditId } = await draftWith('alpha');
    expect(await tagSlugs()).not.toContain('secret-alpha');
    expect(await creditIds()).not.toContain(creditId);

    const tag = await api.get('/v1/tags/secret-alpha');
    const none = await api.get('/v1/tags/never-was');
    expect(tag.status).toBe(404);
    expect(tag.body).toEqual(notFound('No tag with slug "secret-alpha"', '/v1/tags/secret-alpha'));
    expect(none.body).toEqual(notFound('No tag with slug "never-was"', '/v1/tags/never-was'));

    const credit = await api.get(`/v1/credits/${creditId}`);
    expect(credit.status).toBe(404);
    expect(credit.body).toEqual(notFound(`No credit with id ${creditId}`, `/v1/credits/${creditId}`));
  });

  it('are shown to editors and admins, privately, but not to moderators', async () => {
    const { creditId } = await draftWith('beta');
    for (const token of [editor, admin]) {
      const one = await as(token).get('/v1/tags/secret-beta');
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ slug: 'secret-beta', name: 'Secret beta', description: null, article_count: 0 });
      expect(one.headers['cache-control']).toBe('private, no-cache');
      const list = await as(token).get('/v1/tags?limit=100');
      expect(list.headers['cache-control']).toBe('private, no-cache');
      expect(list.body.data.map((t: { slug: string }) => t.slug)).toContain('secret-beta');

      const credit = await as(token).get(`/v1/credits/${creditId}`);
      expect(credit.body).toEqual({
        id: creditId,
        name: 'Insider beta',
        organization: null,
        url: null,
        license: null,
        article_count: 0,
      });
      expect(credit.headers['cache-control']).toBe('private, no-cache');
      expect(await creditIds(as(token).get('/v1/credits?limit=100'))).toContain(creditId);
    }
    expect((await as(moderator).get('/v1/tags/secret-beta')).status).toBe(404);
    expect(await creditIds(as(moderator).get('/v1/credits?limit=100'))).not.toContain(creditId);
  });
});

describe('a tag or credit becoming public and private again', () => {
  it('appears on publication although the lists were cached, and is gone again on unpublish', async () => {
    const { id, creditId } = await draftWith('gamma');
    // Warm the cache with the lists that do not show them.
    await api.get('/v1/tags?limit=100');
    expect((await api.get('/v1/tags?limit=100')).headers['x-cache']).toBe('hit');
    await api.get('/v1/credits?limit=100');
    await api.get('/v1/tags/secret-gamma').expect(404);

    await as(editor).post(`/v1/articles/${id}/publish`).send({}).expect(200);
    expect(await tagSlugs()).toContain('secret-gamma');
    expect(await creditIds()).toContain(creditId);
    expect((await api.get('/v1/tags/secret-gamma')).body).toEqual({
      slug: 'secret-gamma',
      name: 'Secret gamma',
      description: null,
      article_count: 1,
    });
    expect((await api.get(`/v1/credits/${creditId}`)).status).toBe(200);
    // Cached now, so the unpublication below must purge them.
    expect((await api.get('/v1/tags/secret-gamma')).headers['x-cache']).toBe('hit');
    expect((await api.get(`/v1/credits/${creditId}`)).headers['x-cache']).toBe('hit');
    await api.get('/v1/tags?limit=100');
    await api.get('/v1/credits?limit=100');

    await as(editor).post(`/v1/articles/${id}/unpublish`).send({}).expect(200);
    expect(await tagSlugs()).not.toContain('secret-gamma');
    expect(await creditIds()).not.toContain(creditId);
    expect((await api.get('/v1/tags/secret-gamma')).status).toBe(404);
    expect((await api.get(`/v1/credits/${creditId}`)).status).toBe(404);
  });

  it('is gone from the public once its only article is archived', async () => {
    const { id, creditId } = await draftWith('delta');
    await as(editor).post(`/v1/articles/${id}/publish`).send({}).expect(200);
    expect((await api.get('/v1/tags/secret-delta')).status).toBe(200);
    await api.get('/v1/tags/secret-delta');
    await api.get(`/v1/credits/${creditId}`);
    await api.delete(`/v1/articles/${id}`).set('authorization', admin.header).expect(204);
    expect((await api.get('/v1/tags/secret-delta')).status).toBe(404);
    expect((await api.get(`/v1/credits/${creditId}`)).status).toBe(404);
    expect(await tagSlugs()).not.toContain('secret-delta');
  });

  it('stays public while another published article still shows it', async () => {
    const first = await draftWith('epsilon');
    const second = await as(editor)
      .post('/v1/articles')
      .send({ title: 'Second epsilon', lang: 'en', body: 'Also.', tags: ['Secret epsilon'] })
      .expect(201);
    await as(editor).post(`/v1/articles/${first.id}/publish`).send({}).expect(200);
    await as(editor).post(`/v1/articles/${second.body.id}/publish`).send({}).expect(200);
    await as(editor).post(`/v1/articles/${first.id}/unpublish`).send({}).expect(200);
    expect((await api.get('/v1/tags/secret-epsilon')).body.article_count).toBe(1);
  });
});
