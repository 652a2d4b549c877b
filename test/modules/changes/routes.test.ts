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

async function creditId(name: string): Promise<string> {
  const [row] = await probe.rows<{ id: number }>(sql`SELECT id FROM credits WHERE name = ${name}`);
  return String(row?.id);
}

async function maxSequence(): Promise<number> {
  const [row] = await probe.rows<{ id: number }>(sql`SELECT max(id) AS id FROM events`);
  return Number(row?.id);
}

describe('GET /v1/changes', () => {
  it('lists upserts and tombstones in commit order, page by page', async () => {
    const since = await tail();
    // A tag and a credit enter the feed with the first published article that carries them, and
    // leave it with the last: before and after, readers cannot see them.
    await as(api.post('/v1/tags')).send({ name: 'Aurora' }).expect(201);
    const aurora = await tagId('aurora');
    const { id } = (
      await as(api.post('/v1/articles')).send({
        title: 'Polar night',
        lang: 'en',
        body: 'Dark.',
        tags: ['Aurora'],
        credits: [{ role: 'image', name: 'Siri', organization: null }],
      })
    ).body;
    const credit = await creditId('Siri');
    await as(api.post(`/v1/articles/${id}/publish`))
      .send({})
      .expect(200);
    clock.advance(1000);
    await as(api.post(`/v1/articles/${id}/unpublish`)).expect(200);
    await as(api.delete('/v1/tags/aurora')).expect(204);
    await as(api.delete(`/v1/credits/${credit}`)).expect(204);

    const first = await api.get(`/v1/changes?since=${since}&limit=4`).expect(200);
    const published = expect.any(String);
    const entry = (type: string, entity: string, entityId: string, slug: string | null, when: unknown) => ({
      sequence: expect.any(Number),
      type,
      entity,
      id: entityId,
      slug,
      at: when,
    });
    expect(first.body).toEqual({
      data: [
        entry('upsert', 'tag', aurora, 'aurora', published),
        entry('upsert', 'credit', credit, null, published),
        entry('upsert', 'article', id, 'polar-night', published),
        entry('delete', 'article', id, 'polar-night', at()),
      ],
      meta: { next_cursor: expect.any(String), has_more: true },
    });
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const second = await api.get(`/v1/changes?since=${first.body.meta.next_cursor}&limit=4`).expect(200);
    expect(second.body).toEqual({
      data: [entry('delete', 'tag', aurora, 'aurora', at()), entry('delete', 'credit', credit, null, at())],
      meta: { next_cursor: expect.any(String), has_more: false },
    });
    expect(second.headers['cache-control']).toBe('public, max-age=5');
    const sequences = [...first.body.data, ...second.body.data].map((e: { sequence: number }) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(6);

    // The tail, read again: no entry, and the same position to poll from.
    const empty = await api.get(`/v1/changes?since=${second.body.meta.next_cursor}`).expect(200);
    expect(empty.body).toEqual({ data: [], meta: { next_cursor: second.body.meta.next_cursor, has_more: false } });
  });

  it('starts from the beginning without since', async () => {
    const res = await api.get('/v1/changes?limit=1').expect(200);
    // The first public change of this database: the tag the first test's article made public.
    expect(res.body.data).toEqual([expect.objectContaining({ type: 'upsert', entity: 'tag', slug: 'aurora' })]);
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

  it("leaves out tags and credits no reader can see: a new one, a draft's, and their renames", async () => {
    const since = await tail();
    await as(api.post('/v1/tags')).send({ name: 'Hidden' }).expect(201);
    await as(api.patch('/v1/tags/hidden')).send({ name: 'Still hidden' }).expect(200);
    await as(api.post('/v1/articles'))
      .send({
        title: 'Secret',
        lang: 'en',
        body: 'Shh.',
        tags: ['Draft only'],
        credits: [{ role: 'text', name: 'Nobody yet', organization: null }],
      })
      .expect(201);
    const credit = (await as(api.post('/v1/credits')).send({ name: 'Unseen' }).expect(201)).body.id;
    await as(api.patch(`/v1/credits/${credit}`))
      .send({ name: 'Unseen still' })
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

    // A write readers cannot see leaves the tail as it was.
    await as(api.post('/v1/tags')).send({ name: 'Fresh' }).expect(201);
    await api.get(`/v1/changes?since=${since}`).set('if-none-match', etag).expect(304);

    const { id } = (await as(api.post('/v1/articles')).send({ title: 'Fresh', lang: 'en', body: 'New.' })).body;
    await as(api.post(`/v1/articles/${id}/publish`))
      .send({})
      .expect(200);
    const changed = await api.get(`/v1/changes?since=${since}`).set('if-none-match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.data).toEqual([
      { sequence: await maxSequence(), type: 'upsert', entity: 'article', id, slug: 'fresh', at: at() },
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
