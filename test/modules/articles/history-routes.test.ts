import { randomUUID } from 'node:crypto';
import { createPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { stargateNorway } from '../../../seeds/stargate-norway.js';
import { buildTestApp } from '../../helpers/build-app.js';
import { createDraftArticle, createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const ada = await createToken(services, 'editor', 'Ada');

async function articleWithHistory() {
  const article = await createDraftArticle(services, { title: 'Version one', body: 'Line one.\nLine two.' });
  const auth = (req: ReturnType<typeof api.get>) => req.set('authorization', ada.header);
  await auth(api.post(`/v1/articles/${article.id}/revisions`)).send({
    base_revision: 1,
    title: 'Version two',
    message: 'Retitled',
  });
  await auth(api.post(`/v1/articles/${article.id}/revisions`)).send({
    base_revision: 2,
    body: 'Line one.\nLine 2, rewritten.',
  });
  return { id: article.id, auth };
}

describe('GET /v1/articles/{id}/revisions', () => {
  it('lists the history newest first with author, message, changed fields and the published one', async () => {
    const { id, auth } = await articleWithHistory();
    await auth(api.post(`/v1/articles/${id}/publish`)).send({ revision: 2 });
    const res = await auth(api.get(`/v1/articles/${id}/revisions`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        {
          number: 3,
          created_at: expect.any(String),
          author: 'Ada',
          message: null,
          changed_fields: ['body'],
          merged_onto: null,
          published: false,
        },
        {
          number: 2,
          created_at: expect.any(String),
          author: 'Ada',
          message: 'Retitled',
          changed_fields: ['title', 'slug'].filter((f) => f === 'title'),
          merged_onto: null,
          published: true,
        },
        {
          number: 1,
          created_at: expect.any(String),
          author: 'test',
          message: null,
          changed_fields: expect.arrayContaining(['title', 'body']),
          merged_onto: null,
          published: false,
        },
      ],
      meta: { next_cursor: null },
    });
  });

  it('pages with a cursor', async () => {
    const { id, auth } = await articleWithHistory();
    const first = await auth(api.get(`/v1/articles/${id}/revisions?limit=2`));
    expect(first.body.data.map((r: { number: number }) => r.number)).toEqual([3, 2]);
    const second = await auth(api.get(`/v1/articles/${id}/revisions?limit=2&cursor=${first.body.meta.next_cursor}`));
    expect(second.body).toEqual({ data: [expect.objectContaining({ number: 1 })], meta: { next_cursor: null } });
  });
});

describe('GET /v1/articles/{id}/revisions/{n}', () => {
  it('returns the full snapshot of that revision', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.get(`/v1/articles/${id}/revisions/2`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      number: 2,
      author: 'Ada',
      message: 'Retitled',
      content: { title: 'Version two', body: 'Line one.\nLine two.', tags: [], credits: [] },
    });
  });

  it('answers 404 for a revision that does not exist', async () => {
    const { id, auth } = await articleWithHistory();
    expect((await auth(api.get(`/v1/articles/${id}/revisions/9`))).status).toBe(404);
  });
});

describe('GET /v1/articles/{id}/revisions/{n}/diff', () => {
  it('shows what revision n changed: by default the other fields whole and the body as hunks', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.get(`/v1/articles/${id}/revisions/3/diff`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: 2,
      to: 3,
      format: 'hunks',
      fields: [],
      body: {
        hunks: [
          {
            old_line: 2,
            new_line: 2,
            changes: [
              { op: 'equal', value: 'Line ' },
              { op: 'delete', value: 'two' },
              { op: 'insert', value: '2, rewritten' },
              { op: 'equal', value: '.' },
            ],
          },
        ],
        granularity: 'words',
      },
    });
  });

  it('gives every changed field whole with ?format=fields', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.get(`/v1/articles/${id}/revisions/1/diff?to=3&format=fields`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: 1,
      to: 3,
      format: 'fields',
      fields: [
        { field: 'title', old: 'Version one', new: 'Version two' },
        { field: 'body', old: 'Line one.\nLine two.', new: 'Line one.\nLine 2, rewritten.' },
      ],
    });
  });

  it('gives the line diff, the word diff or a unified diff of the body when asked', async () => {
    const { id, auth } = await articleWithHistory();
    const diff = async (format: string) =>
      (await auth(api.get(`/v1/articles/${id}/revisions/3/diff?format=${format}`)).expect(200)).body;
    expect(await diff('lines')).toEqual({
      from: 2,
      to: 3,
      format: 'lines',
      fields: [],
      body: {
        changes: [
          { op: 'equal', value: 'Line one.\n' },
          { op: 'delete', value: 'Line two.' },
          { op: 'insert', value: 'Line 2, rewritten.' },
        ],
        truncated: false,
      },
    });
    expect(await diff('words')).toEqual({
      from: 2,
      to: 3,
      format: 'words',
      fields: [],
      body: {
        changes: [
          { op: 'equal', value: 'Line one.\nLine ' },
          { op: 'delete', value: 'two' },
          { op: 'insert', value: '2, rewritten' },
          { op: 'equal', value: '.' },
        ],
        truncated: false,
      },
    });
    expect(await diff('unified')).toEqual({
      from: 2,
      to: 3,
      format: 'unified',
      fields: [],
      body: {
        unified: createPatch(
          'body.md',
          'Line one.\nLine two.',
          'Line one.\nLine 2, rewritten.',
          'revision 2',
          'revision 3',
        ),
        truncated: false,
      },
    });
  });

  it('diffs any two revisions with ?to, and leaves body null when the body did not change', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.get(`/v1/articles/${id}/revisions/1/diff?to=2`));
    expect(res.body).toEqual({
      from: 1,
      to: 2,
      format: 'hunks',
      fields: [{ field: 'title', old: 'Version one', new: 'Version two' }],
      body: null,
    });
  });

  it('answers 400 naming the formats to a format it does not know', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.get(`/v1/articles/${id}/revisions/3/diff?format=html`));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: '/problems/bad_request',
      title: 'Bad request',
      status: 400,
      code: 'bad_request',
      detail: expect.any(String),
      instance: `/v1/articles/${id}/revisions/3/diff`,
      request_id: expect.any(String),
      errors: [{ in: 'query', path: 'format', message: 'must be one of hunks, fields, lines, words, unified' }],
    });
  });
});

describe('GET …/diff of the seeded body with one word changed', () => {
  it('answers a few hundred bytes by default, where every format together gave the body four times', async () => {
    const article = await createDraftArticle(services, { ...stargateNorway, title: `Seeded ${randomUUID()}` });
    const auth = (req: ReturnType<typeof api.get>) => req.set('authorization', ada.header);
    await auth(api.post(`/v1/articles/${article.id}/revisions`))
      .send({ base_revision: 1, body: stargateNorway.body.replace('faite jeudi', 'faite mercredi') })
      .expect(201);
    const res = await auth(api.get(`/v1/articles/${article.id}/revisions/2/diff`)).expect(200);
    expect(res.body).toEqual({
      from: 1,
      to: 2,
      format: 'hunks',
      fields: [],
      body: {
        hunks: [
          {
            old_line: 1,
            new_line: 1,
            changes: [
              { op: 'equal', value: 'L’annonce, faite ' },
              { op: 'delete', value: 'jeudi' },
              { op: 'insert', value: 'mercredi' },
              { op: 'equal', value: ', intrigue. D’un côté, OpenAI' },
            ],
          },
        ],
        granularity: 'words',
      },
    });
    expect(Buffer.byteLength(res.text)).toBeLessThan(400);
  });
});

describe('GET …/diff of two very different long bodies', () => {
  it('gives up past its bound and answers a whole replacement, flagged', async () => {
    // 3,000 changed lines each side took 2.8 s and held the event loop.
    const body = (tag: string) => Array.from({ length: 3000 }, (_, i) => `${tag} line ${i}.`).join('\n');
    const article = await createDraftArticle(services, { title: 'Long', body: body('old') });
    const auth = (req: ReturnType<typeof api.get>) => req.set('authorization', ada.header);
    await auth(api.post(`/v1/articles/${article.id}/revisions`))
      .send({ base_revision: 1, body: body('new') })
      .expect(201);
    const diff = async (format: string) =>
      (await auth(api.get(`/v1/articles/${article.id}/revisions/2/diff?format=${format}`)).expect(200)).body.body;
    const whole = [
      { op: 'delete', value: body('old') },
      { op: 'insert', value: body('new') },
    ];
    expect(await diff('hunks')).toEqual({
      hunks: [{ old_line: 1, new_line: 1, changes: whole }],
      granularity: 'whole',
    });
    expect(await diff('lines')).toEqual({ changes: whole, truncated: true });
    expect(await diff('words')).toEqual({ changes: whole, truncated: true });
    const unified = await diff('unified');
    expect(unified.truncated).toBe(true);
    expect(unified.unified).toContain('@@ -1,3000 +1,3000 @@\n-old line 0.\n');
  });
});

describe('POST /v1/articles/{id}/revisions/{n}/restore', () => {
  it('makes a new head equal to revision n and keeps the whole history', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.post(`/v1/articles/${id}/revisions/1/restore`)).send({ base_revision: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ revision: 4, title: 'Version one', body: 'Line one.\nLine two.' });
    const one = await auth(api.get(`/v1/articles/${id}/revisions/1`));
    const four = await auth(api.get(`/v1/articles/${id}/revisions/4`));
    expect(four.body.content).toEqual(one.body.content);
    expect(four.body).toMatchObject({ message: 'Restored revision 1', changed_fields: ['title', 'body'] });
    const history = await auth(api.get(`/v1/articles/${id}/revisions`));
    expect(history.body.data.map((r: { number: number }) => r.number)).toEqual([4, 3, 2, 1]);
  });

  it('refuses with 409 when the head changed a restored field since the base', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.post(`/v1/articles/${id}/revisions/1/restore`)).send({ base_revision: 2 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      current_revision: 3,
      conflicts: [
        {
          field: 'body',
          base: 'Line one.\nLine two.',
          theirs: 'Line one.\nLine 2, rewritten.',
          yours: 'Line one.\nLine two.',
        },
      ],
    });
  });
});
