import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor');
const create = (body: object) => api.post('/v1/articles').set('authorization', editor.header).send(body);
const count = async () =>
  (await api.get('/v1/articles?status=draft&limit=100').set('authorization', editor.header)).body.data.length;

describe('POST /v1/articles input', () => {
  it('takes a hero image and a source with only what the editor knows; the rest is null', async () => {
    const res = await create({
      title: 'Image sans URL',
      lang: 'fr',
      body: 'x',
      hero_image: { alt: 'une photo', credit: { name: 'Ben Wicks' } },
      source: { name: 'Techcrunch' },
    }).expect(201);
    expect(res.body.hero_image).toEqual({
      url: null,
      alt: 'une photo',
      caption: null,
      credit: { name: 'Ben Wicks', organization: null, url: null },
    });
    expect(res.body.source).toEqual({ name: 'Techcrunch', url: null });
  });

  it('names an unknown field by its name', async () => {
    const res = await create({ title: 't', lang: 'en', body: 'b', evil: true }).expect(400);
    expect(res.body.detail).toBe('Invalid body: evil');
    expect(res.body.errors).toEqual([{ in: 'body', path: 'evil', message: 'is not a known field' }]);
  });

  it('refuses control characters in text, and stores nothing', async () => {
    const before = await count();
    const res = await create({ title: 'Bell\u0007', lang: 'en', body: 'nul\u0000byte', tags: ['esc\u001b'] }).expect(
      400,
    );
    expect(res.body.errors).toEqual([
      { in: 'body', path: 'title', message: 'must not contain control characters' },
      { in: 'body', path: 'body', message: 'must not contain control characters' },
      { in: 'body', path: 'tags.0', message: 'must not contain control characters' },
    ]);
    expect(await count()).toBe(before);
  });

  it('keeps line breaks and tabs in a body', async () => {
    const res = await create({ title: 'Lignes', lang: 'fr', body: 'un\n\ndeux\tfin' }).expect(201);
    expect(res.body.body).toBe('un\n\ndeux\tfin');
  });
});

describe('article bodies that nest too deeply', () => {
  const deep = `${'>'.repeat(2000)} x`;
  const nestedList = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- item`).join('\n');

  it.each([
    ['2,000 nested blockquotes', deep, 'nests blockquotes and lists 2000 levels deep; at most 32 are allowed'],
    ['a list nested 40 levels', nestedList, 'nests blockquotes and lists 40 levels deep; at most 32 are allowed'],
  ])('refuses %s with a 400 naming body, and stores nothing', async (_name, body, message) => {
    const before = await count();
    const res = await create({ title: 'Trop profond', lang: 'fr', body }).expect(400);
    expect(res.body).toEqual({
      type: '/problems/validation_failed',
      title: 'Validation failed',
      status: 400,
      detail: expect.any(String),
      instance: '/v1/articles',
      code: 'validation_failed',
      request_id: expect.any(String),
      errors: [{ in: 'body', path: 'body', message }],
    });
    expect(await count()).toBe(before);
  });

  it('refuses a revision whose body nests too deeply, and keeps the head', async () => {
    const created = await create({ title: 'Peu profond', lang: 'fr', body: '> une citation' }).expect(201);
    const res = await api
      .post(`/v1/articles/${created.body.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: 1, body: deep })
      .expect(400);
    expect(res.body.errors).toEqual([
      { in: 'body', path: 'body', message: 'nests blockquotes and lists 2000 levels deep; at most 32 are allowed' },
    ]);
    const head = await api.get(`/v1/articles/${created.body.id}`).set('authorization', editor.header).expect(200);
    expect(head.body).toMatchObject({ revision: 1, body: '> une citation' });
  });
});
