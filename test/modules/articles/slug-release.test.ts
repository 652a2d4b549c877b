/**
 * A draft's working slug, which no reader was ever served, is the article's only while something
 * still uses it: once a revision moves the article away from it, another article may take it. A slug
 * readers were served stays the article's for good, and redirects.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { editorClient } from '../../helpers/editor-client.js';
import { sql } from '../../helpers/engine.js';
import { createToken } from '../../helpers/factories.js';
import { slugTaken } from '../../helpers/problems.js';

const { api, services, probe } = await buildTestApp();
const editor = await createToken(services, 'editor');
const admin = await createToken(services, 'admin');
const ed = editorClient(api, editor.header);
const { create, rename } = ed;

async function publish(id: string, body: object = {}) {
  const res = await ed.post(`/v1/articles/${id}/publish`, body);
  expect(res.status).toBe(200);
}

const claims = (id: string) =>
  probe.rows<{ slug: string; public: number }>(
    sql`select slug, case when public_at is null then 0 else 1 end as public from article_slugs where article_id = ${id} order by slug`,
  );

describe("a draft's working slug, renamed before it was ever published", () => {
  it('is free again: a new article takes it as given, with no suffix', async () => {
    const first = await create('harbour-draft');
    await rename(first, 1, 'harbour-final');
    const second = await ed.post('/v1/articles', {
      title: 'Another harbour',
      slug: 'harbour-draft',
      lang: 'en',
      body: 'B.',
    });
    expect(second.status).toBe(201);
    expect(second.body).toEqual({
      view: 'editor',
      id: expect.any(String),
      lang: 'en',
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
      title: 'Another harbour',
      slug: 'harbour-draft',
      standfirst: null,
      body: 'B.',
      body_html: '<p>B.</p>',
      tags: [],
      credits: [],
      hero_image: null,
      source: null,
      ai_generated: false,
    });
    // The name now names the second article for editors, and the first keeps its own.
    expect((await ed.get('/v1/articles/harbour-draft')).body).toEqual(second.body);
    expect((await ed.get('/v1/articles/harbour-final')).body).toMatchObject({ id: first, slug: 'harbour-final' });
    expect(await claims(first)).toEqual([{ slug: 'harbour-final', public: 0 }]);
  });

  it('is free for a revision of another article too', async () => {
    const first = await create('fjord-working');
    await rename(first, 1, 'fjord-chosen');
    const other = await create('other-fjord');
    const res = await ed.post(`/v1/articles/${other}/revisions`, { base_revision: 1, slug: 'fjord-working' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: other, revision: 2, slug: 'fjord-working', merged_onto: null });
    expect(await claims(other)).toEqual([{ slug: 'fjord-working', public: 0 }]);
  });

  it('of a published article (a pending rename) is free once renamed again, while the public slug is not', async () => {
    const id = await create('pier-public');
    await publish(id);
    await rename(id, 1, 'pier-pending');
    await rename(id, 2, 'pier-pending-2');
    expect(await claims(id)).toEqual([
      { slug: 'pier-pending-2', public: 0 },
      { slug: 'pier-public', public: 1 },
    ]);
    expect((await api.get('/v1/articles/pier-public')).status).toBe(200);
    const other = await create('pier-pending');
    const refused = await ed.post(`/v1/articles/${other}/revisions`, { base_revision: 1, slug: 'pier-public' });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(slugTaken('pier-public', `/v1/articles/${other}/revisions`));
  });

  it('stays the article’s when the rename is refused: nothing is released', async () => {
    await create('held-elsewhere');
    const id = await create('kept-on-refusal');
    const refused = await ed.post(`/v1/articles/${id}/revisions`, { base_revision: 1, slug: 'held-elsewhere' });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(slugTaken('held-elsewhere', `/v1/articles/${id}/revisions`));
    expect(await claims(id)).toEqual([{ slug: 'kept-on-refusal', public: 0 }]);
    const later = await ed.post('/v1/articles', { title: 'Later', slug: 'kept-on-refusal', lang: 'en', body: 'B.' });
    expect(later.body.slug).toBe('kept-on-refusal-2');
  });
});

describe('a slug readers were served', () => {
  it('redirects after a rename and stays refused to other articles', async () => {
    const id = await create('quay-first');
    await publish(id);
    await rename(id, 1, 'quay-second');
    await publish(id);
    const moved = await api.get('/v1/articles/quay-first');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/v1/articles/quay-second');

    const other = await create('quay-other');
    const refused = await ed.post(`/v1/articles/${other}/revisions`, { base_revision: 1, slug: 'quay-first' });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toEqual(slugTaken('quay-first', `/v1/articles/${other}/revisions`));
    expect((await ed.get(`/v1/articles/${other}`)).body).toMatchObject({ revision: 1, slug: 'quay-other' });
    const created = await ed.post('/v1/articles', { title: 'Q', slug: 'quay-first', lang: 'en', body: 'B.' });
    expect(created.body.slug).toBe('quay-first-2');
  });

  it('stays the article’s after it is unpublished and renamed', async () => {
    const id = await create('bay-shown');
    await publish(id);
    await ed.post(`/v1/articles/${id}/unpublish`).expect(200);
    await rename(id, 1, 'bay-renamed');
    await rename(id, 2, 'bay-renamed-again');
    expect(await claims(id)).toEqual([
      { slug: 'bay-renamed-again', public: 0 },
      { slug: 'bay-shown', public: 1 },
    ]);
  });
});

describe('archiving (DELETE /v1/articles/{article}), which deletes no article', () => {
  it('keeps every slug the article holds: its public one and its head’s', async () => {
    const id = await create('skerry-public');
    await publish(id);
    await rename(id, 1, 'skerry-pending');
    const archived = await api.delete(`/v1/articles/${id}`).set('authorization', admin.header);
    expect(archived.status).toBe(204);
    expect(await claims(id)).toEqual([
      { slug: 'skerry-pending', public: 0 },
      { slug: 'skerry-public', public: 1 },
    ]);
    const created = await ed.post('/v1/articles', { title: 'S', slug: 'skerry-pending', lang: 'en', body: 'B.' });
    expect(created.body.slug).toBe('skerry-pending-2');
  });
});

describe('restoring a revision whose working slug another article took meanwhile', () => {
  it('answers 409 problem+json and leaves the article as it was', async () => {
    const first = await create('cove-a');
    await rename(first, 1, 'cove-b');
    await create('cove-a');
    const before = await ed.get(`/v1/articles/${first}`);
    const history = await ed.get(`/v1/articles/${first}/revisions`);
    const restored = await ed.post(`/v1/articles/${first}/revisions/1/restore`, { base_revision: 2 });
    expect(restored.status).toBe(409);
    expect(restored.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(restored.body).toEqual(slugTaken('cove-a', `/v1/articles/${first}/revisions/1/restore`));
    expect(await ed.get(`/v1/articles/${first}`)).toMatchObject({ status: 200, body: before.body });
    expect((await ed.get(`/v1/articles/${first}/revisions`)).body).toEqual(history.body);
    expect(await claims(first)).toEqual([{ slug: 'cove-b', public: 0 }]);
  });

  it('claims it again when it is still free, and lets the slug it left go', async () => {
    const id = await create('inlet-a');
    await rename(id, 1, 'inlet-b');
    const restored = await ed.post(`/v1/articles/${id}/revisions/1/restore`, { base_revision: 2 });
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ id, revision: 3, slug: 'inlet-a' });
    expect(await claims(id)).toEqual([{ slug: 'inlet-a', public: 0 }]);
  });

  it('refuses to publish that revision, with the same 409, publishing nothing', async () => {
    const first = await create('sound-a');
    await rename(first, 1, 'sound-b');
    await create('sound-a');
    const res = await ed.post(`/v1/articles/${first}/publish`, { revision: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(slugTaken('sound-a', `/v1/articles/${first}/publish`));
    expect((await ed.get(`/v1/articles/${first}`)).body).toMatchObject({ status: 'draft', published_revision: null });
  });
});

describe('a working slug left and taken at the same moment', () => {
  it('ends with one owner, the one whose request succeeded', async () => {
    for (let i = 0; i < 5; i++) {
      const first = await create(`race-${i}`);
      const second = await create(`race-${i}-other`);
      const [left, taken] = await Promise.all([
        ed.post(`/v1/articles/${first}/revisions`, { base_revision: 1, slug: `race-${i}-moved` }),
        ed.post(`/v1/articles/${second}/revisions`, { base_revision: 1, slug: `race-${i}` }),
      ]);
      expect(left.status).toBe(201);
      expect([201, 409]).toContain(taken.status);
      const owner = await probe.rows<{ article_id: string }>(
        sql`select article_id from article_slugs where slug = ${`race-${i}`}`,
      );
      expect(owner).toEqual(taken.status === 201 ? [{ article_id: second }] : []);
    }
  });
});
