import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor', 'Ada');

describe('POST /v1/articles', () => {
  it('gives a taken slug of the longest length a suffix it can still serve', async () => {
    const slug = `${'s'.repeat(192)}-longest`;
    const send = () =>
      api.post('/v1/articles').set('authorization', editor.header).send({ title: 'Long', slug, lang: 'en', body: '' });
    expect((await send()).status).toBe(201);
    const second = await send();
    expect(second.status).toBe(201);
    expect(second.body.slug).toBe(`${'s'.repeat(192)}-longe-2`);
    const revision = await api.get(`/v1/articles/${second.body.id}/revisions/1`).set('authorization', editor.header);
    expect(revision.status).toBe(200);
    expect(revision.body.content.slug).toBe(second.body.slug);
  });

  it('creates a draft at revision 1 with a Location header and creates unknown tags', async () => {
    const res = await api
      .post('/v1/articles')
      .set('authorization', editor.header)
      .send({
        title: 'Les fjords en hiver',
        lang: 'fr',
        body: 'Premier paragraphe.',
        tags: ['Géographie', 'hiver'],
        credits: [{ role: 'author', name: 'Ada Lovelace' }],
      });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/articles/${res.body.id}`);
    expect(res.body).toEqual({
      view: 'editor',
      id: expect.any(String),
      lang: 'fr',
      status: 'draft',
      revision: 1,
      published_revision: null,
      published_at: null,
      scheduled: null,
      schedule_failure: null,
      comments_open: true,
      comment_count: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      title: 'Les fjords en hiver',
      slug: 'les-fjords-en-hiver',
      standfirst: null,
      body: 'Premier paragraphe.',
      body_html: '<p>Premier paragraphe.</p>',
      tags: [
        { slug: 'geographie', name: 'Géographie' },
        { slug: 'hiver', name: 'hiver' },
      ],
      credits: [
        {
          credit_id: expect.any(Number),
          role: 'author',
          name: 'Ada Lovelace',
          organization: null,
          url: null,
          license: null,
        },
      ],
      hero_image: null,
      source: null,
      ai_generated: false,
    });
    // Editors see the new tag; the public does not until an article that carries it is published.
    expect((await api.get('/v1/tags/geographie')).status).toBe(404);
    const tag = await api.get('/v1/tags/geographie').set('authorization', editor.header);
    expect(tag.body).toEqual({ slug: 'geographie', name: 'Géographie', description: null, article_count: 0 });
  });

  it('gives the new draft the ETag its editor view has, so the first edit can send it as If-Match', async () => {
    const created = await api
      .post('/v1/articles')
      .set('authorization', editor.header)
      .send({ title: 'Premier jet', lang: 'fr', body: 'Un.' })
      .expect(201);
    expect(created.headers.etag).toMatch(/^"r1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+"$/);
    const view = await api.get(`/v1/articles/${created.body.id}`).set('authorization', editor.header).expect(200);
    expect(view.body).toEqual(created.body);
    expect(created.headers.etag).toBe(view.headers.etag);
    const edited = await api
      .post(`/v1/articles/${created.body.id}/revisions`)
      .set('authorization', editor.header)
      .set('if-match', created.headers.etag ?? '')
      .send({ body: 'Deux.' })
      .expect(201);
    expect(edited.body).toMatchObject({ revision: 2, body: 'Deux.', merged_onto: null });
  });

  it('lists every invalid field in one 400 problem and writes nothing', async () => {
    const res = await api
      .post('/v1/articles')
      .set('authorization', editor.header)
      .send({ title: '', lang: 'not a lang', body: 42, extra: true });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['body', 'lang', 'title']));
  });
});

describe('GET /v1/articles with an editor token', () => {
  it('lists drafts too, filtered by status, newest change first', async () => {
    const draft = await api
      .post('/v1/articles')
      .set('authorization', editor.header)
      .send({ title: 'Listed draft', lang: 'en', body: 'x' });
    const res = await api.get('/v1/articles?status=draft').set('authorization', editor.header);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.body.data[0]).toEqual({
      id: draft.body.id,
      slug: 'listed-draft',
      lang: 'en',
      title: 'Listed draft',
      status: 'draft',
      revision: 1,
      published_revision: null,
      published_at: null,
      scheduled: null,
      schedule_failure: null,
      updated_at: expect.any(String),
    });
    const published = await api.get('/v1/articles?status=published').set('authorization', editor.header);
    expect(published.body.data.map((a: { id: string }) => a.id)).not.toContain(draft.body.id);
  });

  it('finds an article by id or by slug', async () => {
    const created = await api
      .post('/v1/articles')
      .set('authorization', editor.header)
      .send({ title: 'Found both ways', lang: 'en', body: 'x' });
    for (const key of [created.body.id, 'found-both-ways']) {
      const res = await api.get(`/v1/articles/${key}`).set('authorization', editor.header);
      expect(res.body).toMatchObject({ id: created.body.id, status: 'draft' });
    }
  });

  it('answers 403 to a moderator filtering by status', async () => {
    const moderator = await createToken(services, 'moderator');
    const res = await api.get('/v1/articles?status=draft').set('authorization', moderator.header);
    expect(res.status).toBe(403);
  });
});
