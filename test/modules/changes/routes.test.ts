/**
 * GET /v1/changes: public content changes in commit order, with tombstones, opaque cursors that
 * always let a consumer poll on, and pages cacheable for as long as they cannot change.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const clock = testClock();
const { api, services, probe } = await buildTestApp({ clock });
const editor = await createToken(services, 'admin', 'Ada');
const as = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', editor.header);
const at = () => new Date(clock.now()).toISOString();

/** The cursor of the feed's end as it stands: what a consumer that has read everything holds. */
async function tail(): Promise<string> {
  let since = '';
  for (;;) {
    const res = await api.get(`/v1/changes?limit=1000${since ? `&since=${since}` : ''}`).expect(200);
    since = res.body.meta.next_cursor;
    if (!res.body.meta.has_more) return since;
  }
}

async function tagId(slug: string): Promise<string> {
  const [row] = await probe.rows<{ id: number }>(sql`SELECT id FROM tags WHERE slug = ${slug}`);
  return String(row?.id);
}

async function maxSequence(): Promise<number> {
  const [row] = await probe.rows<{ id: number }>(sql`SELECT max(id) AS id FROM events`);
  return Number(row?.id);
}

describe('GET /v1/changes', () => {
  it('lists upserts and tombstones in commit order, page by page', async () => {
    const since = await tail();
    await as(api.post('/v1/tags')).send({ name: 'Aurora' }).expect(201);
    const aurora = await tagId('aurora');
    const { id } = (await as(api.post('/v1/articles')).send({ title: 'Polar night', lang: 'en', body: 'Dark.' })).body;
    await as(api.post(`/v1/articles/${id}/publish`))
      .send({})
      .expect(200);
    clock.advance(1000);
    await as(api.post(`/v1/articles/${id}/unpublish`)).expect(200);
    await as(api.delete('/v1/tags/aurora')).expect(204);
    const credit = (await as(api.post('/v1/credits')).send({ name: 'Siri' }).expect(201)).body.id;
    await as(api.delete(`/v1/credits/${credit}`)).expect(204);
    const last = await maxSequence();

    const first = await api.get(`/v1/changes?since=${since}&limit=4`).expect(200);
    const start = last - 5;
    expect(first.body).toEqual({
      data: [
        { sequence: start, type: 'upsert', entity: 'tag', id: aurora, slug: 'aurora', at: expect.any(String) },
        { sequence: start + 1, type: 'upsert', entity: 'article', id, slug: 'polar-night', at: expect.any(String) },
        { sequence: start + 2, type: 'delete', entity: 'article', id, slug: 'polar-night', at: at() },
        { sequence: start + 3, type: 'delete', entity: 'tag', id: aurora, slug: 'aurora', at: at() },
      ],
      meta: { next_cursor: expect.any(String), has_more: true },
    });
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const second = await api.get(`/v1/changes?since=${first.body.meta.next_cursor}&limit=4`).expect(200);
    expect(second.body).toEqual({
      data: [
        { sequence: start + 4, type: 'upsert', entity: 'credit', id: String(credit), slug: null, at: at() },
        { sequence: start + 5, type: 'delete', entity: 'credit', id: String(credit), slug: null, at: at() },
      ],
      meta: { next_cursor: expect.any(String), has_more: false },
    });
    expect(second.headers['cache-control']).toBe('public, max-age=5');

    // The tail, read again: no entry, and the same position to poll from.
    const empty = await api.get(`/v1/changes?since=${second.body.meta.next_cursor}`).expect(200);
    expect(empty.body).toEqual({ data: [], meta: { next_cursor: second.body.meta.next_cursor, has_more: false } });
  });

  it('starts from the beginning without since', async () => {
    const res = await api.get('/v1/changes?limit=1').expect(200);
    expect(res.body.data).toEqual([expect.objectContaining({ sequence: 1 })]);
  });

  it('leaves out events the feed does not show (comments, schedules)', async () => {
    const since = await tail();
    const { id } = (await as(api.post('/v1/articles')).send({ title: 'Later', lang: 'en', body: 'Soon.' })).body;
    const when = new Date(clock.now() + 60_000).toISOString();
    await as(api.post(`/v1/articles/${id}/publish`))
      .send({ at: when })
      .expect(200);
    expect((await api.get(`/v1/changes?since=${since}`).expect(200)).body.data).toEqual([]);
  });

  it('answers the tail with an ETag, 304 while it holds, and the new entry after a write', async () => {
    const since = await tail();
    const first = await api.get(`/v1/changes?since=${since}`).expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const unchanged = await api.get(`/v1/changes?since=${since}`).set('if-none-match', etag).expect(304);
    expect(unchanged.headers['cache-control']).toBe('public, max-age=5');
    expect(unchanged.text).toBe('');

    await as(api.post('/v1/tags')).send({ name: 'Fresh' }).expect(201);
    const changed = await api.get(`/v1/changes?since=${since}`).set('if-none-match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.data).toEqual([
      {
        sequence: await maxSequence(),
        type: 'upsert',
        entity: 'tag',
        id: await tagId('fresh'),
        slug: 'fresh',
        at: at(),
      },
    ]);
  });

  it.each([
    ['since=not-a-cursor!', 'since'],
    [`since=${Buffer.from('{"a":1}').toString('base64url')}`, 'since'],
    [`since=${Buffer.from('[-1]').toString('base64url')}`, 'since'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
  ])('answers 400 for %s', async (query, path) => {
    const res = await api.get(`/v1/changes?${query}`).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ in: 'query', path })] });
  });

  it('accepts a page of 1000', async () => {
    await api.get('/v1/changes?limit=1000').expect(200);
  });
});
