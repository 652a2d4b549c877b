import { describe, expect, it } from 'vitest';
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
  it('shows what revision n changed: per-field old and new, and the body as line, word and unified diffs', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.get(`/v1/articles/${id}/revisions/3/diff`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: 2,
      to: 3,
      fields: [{ field: 'body', old: 'Line one.\nLine two.', new: 'Line one.\nLine 2, rewritten.' }],
      body: {
        lines: [
          { op: 'equal', value: 'Line one.\n' },
          { op: 'delete', value: 'Line two.' },
          { op: 'insert', value: 'Line 2, rewritten.' },
        ],
        words: expect.arrayContaining([
          { op: 'delete', value: 'two' },
          { op: 'insert', value: '2, rewritten' },
        ]),
        unified: expect.stringContaining('-Line two.\n\\ No newline at end of file\n+Line 2, rewritten.'),
        truncated: { lines: false, words: false, unified: false },
      },
    });
    expect(res.body.body.unified).toContain('--- body.md\trevision 2');
  });

  it('diffs any two revisions with ?to, and leaves body null when the body did not change', async () => {
    const { id, auth } = await articleWithHistory();
    const res = await auth(api.get(`/v1/articles/${id}/revisions/1/diff?to=2`));
    expect(res.body).toEqual({
      from: 1,
      to: 2,
      fields: [{ field: 'title', old: 'Version one', new: 'Version two' }],
      body: null,
    });
  });
});

describe('GET …/diff of two very different long bodies', () => {
  it('gives up past its bound and answers a whole replacement flagged truncated', async () => {
    // 3,000 changed lines each side took 2.8 s and held the event loop.
    const body = (tag: string) => Array.from({ length: 3000 }, (_, i) => `${tag} line ${i}.`).join('\n');
    const article = await createDraftArticle(services, { title: 'Long', body: body('old') });
    const auth = (req: ReturnType<typeof api.get>) => req.set('authorization', ada.header);
    await auth(api.post(`/v1/articles/${article.id}/revisions`))
      .send({ base_revision: 1, body: body('new') })
      .expect(201);
    const res = await auth(api.get(`/v1/articles/${article.id}/revisions/2/diff`)).expect(200);
    expect(res.body.body.truncated).toEqual({ lines: true, words: true, unified: true });
    expect(res.body.body.lines).toEqual([
      { op: 'delete', value: body('old') },
      { op: 'insert', value: body('new') },
    ]);
    expect(res.body.body.words).toEqual(res.body.body.lines);
    expect(res.body.body.unified).toContain('@@ -1,3000 +1,3000 @@\n-old line 0.\n');
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
