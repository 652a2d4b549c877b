/**
 * A pending schedule holds the slug of the revision it would publish, whatever the head's slug is
 * by then; a cancelled or replaced schedule holds nothing.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { editorClient } from '../../helpers/editor-client.js';
import { sql } from '../../helpers/engine.js';
import { createToken } from '../../helpers/factories.js';
import { slugTaken } from '../../helpers/problems.js';

const HOUR = 60 * 60 * 1000;
const clock = testClock();
const { api, services, probe } = await buildTestApp({ clock });
const editor = await createToken(services, 'editor');
const ed = editorClient(api, editor.header);
const { create, rename } = ed;

async function schedule(id: string, revision: number, at = new Date(clock.now() + HOUR).toISOString()) {
  const res = await ed.post(`/v1/articles/${id}/publish`, { revision, at });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ scheduled: { revision, at } });
}

/** What another article gets when it asks for `slug`: by revision, and by creation. */
async function othersAsk(slug: string) {
  const other = await create(`${slug}-other`);
  const revised = await ed.post(`/v1/articles/${other}/revisions`, { base_revision: 1, slug });
  const created = await ed.post('/v1/articles', { title: 'New', slug, lang: 'en', body: 'B.' });
  return { other, revised, created: created.body.slug as string };
}

const owner = async (slug: string) =>
  (await probe.rows<{ article_id: string }>(sql`select article_id from article_slugs where slug = ${slug}`))[0]
    ?.article_id;

describe("a draft's working slug that a pending schedule would publish", () => {
  it('stays claimed after the head is renamed, and the schedule publishes under it', async () => {
    const id = await create('tide-a');
    await schedule(id, 1);
    await rename(id, 1, 'tide-b');
    const { other, revised, created } = await othersAsk('tide-a');
    expect(revised.status).toBe(409);
    expect(revised.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(revised.body).toEqual(slugTaken('tide-a', `/v1/articles/${other}/revisions`));
    expect(created).toBe('tide-a-2');

    clock.advance(HOUR);
    const pub = await api.get('/v1/articles/tide-a');
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ id, slug: 'tide-a', revision: 1 });
    expect((await ed.get(`/v1/articles/${id}`)).body).toMatchObject({ status: 'published', slug: 'tide-b' });
  });

  it('is claimed again when an older revision whose slug was let go is scheduled', async () => {
    const id = await create('ebb-a');
    await rename(id, 1, 'ebb-b');
    expect(await owner('ebb-a')).toBeUndefined();
    await schedule(id, 1);
    expect(await owner('ebb-a')).toBe(id);
    const { revised, created } = await othersAsk('ebb-a');
    expect(revised.status).toBe(409);
    expect(created).toBe('ebb-a-2');
  });

  it('is let go when the schedule is cancelled by unpublish', async () => {
    const id = await create('swell-a');
    await schedule(id, 1);
    await rename(id, 1, 'swell-b');
    expect(await owner('swell-a')).toBe(id);
    await ed.post(`/v1/articles/${id}/unpublish`).expect(200);
    expect(await owner('swell-a')).toBeUndefined();
    expect(await owner('swell-b')).toBe(id);
    const { revised } = await othersAsk('swell-a');
    expect(revised.status).toBe(201);
    expect(revised.body).toMatchObject({ slug: 'swell-a', revision: 2 });
  });

  it('is let go when a schedule of the head replaces it, or the head is published now', async () => {
    const replaced = await create('surf-a');
    await schedule(replaced, 1);
    await rename(replaced, 1, 'surf-b');
    await schedule(replaced, 2);
    expect(await owner('surf-a')).toBeUndefined();
    expect(await owner('surf-b')).toBe(replaced);

    const published = await create('spray-a');
    await schedule(published, 1);
    await rename(published, 1, 'spray-b');
    await ed.post(`/v1/articles/${published}/publish`).expect(200);
    expect(await owner('spray-a')).toBeUndefined();
    expect((await api.get('/v1/articles/spray-b')).body).toMatchObject({ id: published, slug: 'spray-b' });
  });

  it('is refused to the schedule when another article took it: 409, and nothing is scheduled', async () => {
    const id = await create('reef-a');
    await rename(id, 1, 'reef-b');
    await create('reef-a');
    const res = await ed.post(`/v1/articles/${id}/publish`, {
      revision: 1,
      at: new Date(clock.now() + HOUR).toISOString(),
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(slugTaken('reef-a', `/v1/articles/${id}/publish`));
    expect((await ed.get(`/v1/articles/${id}`)).body).toMatchObject({
      status: 'draft',
      scheduled: null,
      slug: 'reef-b',
    });
  });
});
