import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();

const SAME_INSTANT = Date.parse('2026-02-01T12:00:00.000Z');

async function walk(path: string, limit: number) {
  const slugs: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: Record<string, string | number> = { limit };
    if (cursor) query.cursor = cursor;
    const res = await api.get(path).query(query).expect(200);
    slugs.push(...res.body.data.map((a: { slug: string }) => a.slug));
    cursor = res.body.meta.next_cursor;
    pages++;
  } while (cursor && pages < 1000);
  return { slugs, pages };
}

describe('GET /v1/articles', () => {
  const created: string[] = [];

  it('walks 250 articles sharing one published_at exactly once each, newest first', async () => {
    for (let i = 0; i < 250; i++) {
      const row = await createPublishedArticle(services, { tags: i % 5 === 0 ? ['Every Fifth'] : [] }, SAME_INSTANT);
      created.push(row.slug);
    }
    const older = await createPublishedArticle(services, { lang: 'fr' }, SAME_INSTANT - 1000);
    const { slugs, pages } = await walk('/v1/articles', 17);
    expect(pages).toBe(Math.ceil(251 / 17));
    expect(new Set(slugs).size).toBe(251);
    expect(slugs.slice(0, 250).sort()).toEqual([...created].sort());
    expect(slugs.at(-1)).toBe(older.slug);
  });

  it('ends with next_cursor null on the last page', async () => {
    const res = await api.get('/v1/articles').query({ limit: 100 }).expect(200);
    expect(res.body.data).toHaveLength(100);
    expect(typeof res.body.meta.next_cursor).toBe('string');
    const last = await walk('/v1/articles', 100);
    expect(last.pages).toBe(3);
  });

  it('filters by tag, paging through the tag alone', async () => {
    const { slugs } = await walk('/v1/articles?tag=every-fifth', 7);
    expect(slugs.sort()).toEqual(created.filter((_, i) => i % 5 === 0).sort());
  });

  it('filters by lang', async () => {
    const res = await api.get('/v1/articles').query({ lang: 'fr' }).expect(200);
    expect(res.body.data.map((a: { lang: string }) => a.lang)).toEqual(['fr']);
  });

  it('returns an empty page for a tag nobody uses', async () => {
    const res = await api.get('/v1/articles').query({ tag: 'no-such-tag' }).expect(200);
    expect(res.body).toEqual({ view: 'public', data: [], meta: { next_cursor: null } });
  });

  it("says which list an empty page is: an editor's, with an editor token", async () => {
    const editor = await createToken(services, 'editor');
    const res = await api.get('/v1/articles').query({ lang: 'zz' }).set('Authorization', editor.header).expect(200);
    expect(res.body).toEqual({ view: 'editor', data: [], meta: { next_cursor: null } });
  });

  it('never lists a draft', async () => {
    const draft = await services.articles.create(
      { title: 'Unpublished thoughts', lang: 'en', body: 'secret' },
      { name: 't', tokenId: null },
    );
    const { slugs } = await walk('/v1/articles', 100);
    expect(slugs).not.toContain(draft.slug);
    await api.get(`/v1/articles/${draft.slug}`).expect(404);
  });

  it.each([
    ['limit', '0'],
    ['limit', 'abc'],
    ['limit', '101'],
    ['limit', '2.5'],
    ['cursor', 'not-a-cursor'],
    ['cursor', Buffer.from('["x"]').toString('base64url')],
    ['cursor', Buffer.from('[1,2]').toString('base64url')],
    ['lang', 'français'],
    ['tag', 'Not A Slug'],
  ])('answers 400 problem naming %s for %s', async (name, value) => {
    const res = await api
      .get('/v1/articles')
      .query({ [name]: value })
      .expect(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual({
      type: '/problems/bad_request',
      title: 'Bad request',
      status: 400,
      detail: expect.stringContaining(name),
      instance: '/v1/articles',
      code: 'bad_request',
      request_id: expect.any(String),
      errors: [{ in: 'query', path: name, message: expect.any(String) }],
    });
  });
});
