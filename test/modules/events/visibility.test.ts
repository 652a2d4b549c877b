/**
 * A tag or credit is public only while a published article carries it, and the feed follows:
 * `*.published` (an upsert) when the first published article carries it, `*.unpublished` (a
 * delete) when the last stops, an update's upsert only while it is public, nothing for a tag or
 * credit only drafts name. Whole outbox rows, on both engines.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { eventTestbed } from './support.js';

const { api, probe, clock, as, during, idOf, draft } = await eventTestbed();

const publish = (id: string, body: Record<string, unknown> = {}) =>
  during(() =>
    as(api.post(`/v1/articles/${id}/publish`))
      .send(body)
      .expect(200),
  );
const unpublish = (id: string) => during(() => as(api.post(`/v1/articles/${id}/unpublish`)).expect(200));

const FEED: Record<string, string | null> = {
  'tag.published': 'upsert',
  'tag.unpublished': 'delete',
  'credit.published': 'upsert',
  'credit.unpublished': 'delete',
};

const tag = (type: string, id: number, slug: string, name: string, feed = FEED[type] ?? null) => ({
  type,
  entity: 'tag',
  entity_id: String(id),
  slug,
  feed,
  data: { id, slug, name },
});
const credit = (type: string, id: number, name: string, feed = FEED[type] ?? null) => ({
  type,
  entity: 'credit',
  entity_id: String(id),
  slug: null,
  feed,
  data: { id, name },
});
const article = (type: string) => expect.objectContaining({ type, entity: 'article' });

describe('tag and credit visibility', () => {
  it('announces them with the first published article that carries them and the last that stops', async () => {
    const content = { tags: ['Moss'], credits: [{ role: 'image', name: 'Lars', organization: null }] };
    const first = await draft('Moss in June', content);
    const moss = await idOf('tags', sql`slug = 'moss'`);
    const lars = await idOf('credits', sql`name = 'Lars'`);

    expect(await publish(first.id)).toEqual([
      tag('tag.published', moss, 'moss', 'Moss'),
      credit('credit.published', lars, 'Lars'),
      article('article.published'),
    ]);

    // Public already: a second article carrying them adds nothing for them.
    const second = await draft('Moss in July', content);
    expect(await publish(second.id)).toEqual([article('article.published')]);

    // Still carried by the second: nothing for them when the first leaves.
    expect(await unpublish(first.id)).toEqual([article('article.unpublished')]);

    // The last carrier archived: they leave the feed.
    expect(await during(() => as(api.delete(`/v1/articles/${second.id}`)).expect(204))).toEqual([
      article('article.archived'),
      tag('tag.unpublished', moss, 'moss', 'Moss'),
      credit('credit.unpublished', lars, 'Lars'),
    ]);

    // Back with the first article again: announced again.
    expect(await publish(first.id)).toEqual([
      tag('tag.published', moss, 'moss', 'Moss'),
      credit('credit.published', lars, 'Lars'),
      article('article.published'),
    ]);
  });

  it('announces nothing for a tag or credit a draft names, until it is published', async () => {
    const events = await during(() =>
      draft('Lichen', { tags: ['Lichen'], credits: [{ role: 'text', name: 'Ingrid', organization: 'NRK' }] }),
    );
    const lichen = await idOf('tags', sql`slug = 'lichen'`);
    const ingrid = await idOf('credits', sql`name = 'Ingrid'`);
    expect(events).toEqual([
      tag('tag.created', lichen, 'lichen', 'Lichen', null),
      credit('credit.created', ingrid, 'Ingrid', null),
    ]);
    await api.get('/v1/tags/lichen').expect(404);
    await api.get(`/v1/credits/${ingrid}`).expect(404);
  });

  it('takes them out when an article is republished without them, and in when with them', async () => {
    const { id } = await draft('Heather', {
      tags: ['Heather', 'Bog'],
      credits: [{ role: 'image', name: 'Sigrid', organization: null }],
    });
    const heather = await idOf('tags', sql`slug = 'heather'`);
    const bog = await idOf('tags', sql`slug = 'bog'`);
    const sigrid = await idOf('credits', sql`name = 'Sigrid'`);
    expect(await publish(id)).toEqual([
      tag('tag.published', heather, 'heather', 'Heather'),
      tag('tag.published', bog, 'bog', 'Bog'),
      credit('credit.published', sigrid, 'Sigrid'),
      article('article.published'),
    ]);

    await as(api.post(`/v1/articles/${id}/revisions`))
      .send({ base_revision: 1, tags: ['Bog', 'Fen'], credits: [] })
      .expect(201);
    const fen = await idOf('tags', sql`slug = 'fen'`);
    expect(await publish(id)).toEqual([
      tag('tag.unpublished', heather, 'heather', 'Heather'),
      tag('tag.published', fen, 'fen', 'Fen'),
      credit('credit.unpublished', sigrid, 'Sigrid'),
      article('article.updated'),
    ]);

    // Back to the first revision: Heather and Sigrid return, Fen leaves, Bog stays.
    expect(await publish(id, { revision: 1 })).toEqual([
      tag('tag.published', heather, 'heather', 'Heather'),
      tag('tag.unpublished', fen, 'fen', 'Fen'),
      credit('credit.published', sigrid, 'Sigrid'),
      article('article.updated'),
    ]);
  });

  it('announces a scheduled publication that makes a tag public when it comes due', async () => {
    const { id } = await draft('Cloudberry', { tags: ['Cloudberry'] });
    const cloudberry = await idOf('tags', sql`slug = 'cloudberry'`);
    const at = new Date(clock.now() + 60_000).toISOString();
    expect(await publish(id, { at })).toEqual([article('article.scheduled')]);
    clock.advance(61_000);
    expect(await during(() => api.get('/v1/articles').expect(200))).toEqual([
      tag('tag.published', cloudberry, 'cloudberry', 'Cloudberry'),
      article('article.published'),
    ]);
  });

  it('puts an update in the feed only while the tag or credit is public', async () => {
    const { id } = await draft('Rowan', {
      tags: ['Rowan'],
      credits: [{ role: 'image', name: 'Per', organization: null }],
    });
    const rowan = await idOf('tags', sql`slug = 'rowan'`);
    const per = await idOf('credits', sql`name = 'Per'`);
    const rename = () => as(api.patch('/v1/tags/rowan')).send({ name: 'Rowan tree' }).expect(200);
    const renameCredit = (name: string) =>
      as(api.patch(`/v1/credits/${per}`))
        .send({ name })
        .expect(200);

    expect(await during(rename)).toEqual([tag('tag.updated', rowan, 'rowan', 'Rowan tree', null)]);
    expect(await during(() => renameCredit('Per A.'))).toEqual([credit('credit.updated', per, 'Per A.', null)]);

    expect(await publish(id)).toEqual([
      tag('tag.published', rowan, 'rowan', 'Rowan tree'),
      credit('credit.published', per, 'Per A.'),
      article('article.published'),
    ]);
    expect(
      await during(() => as(api.patch('/v1/tags/rowan')).send({ name: 'Rowan', slug: 'rowans' }).expect(200)),
    ).toEqual([
      {
        ...tag('tag.updated', rowan, 'rowans', 'Rowan', 'upsert'),
        data: { id: rowan, slug: 'rowans', name: 'Rowan', previous_slug: 'rowan' },
      },
    ]);
    // A CDN purging by the event's keys drops what it cached under the old slug too.
    expect(
      await probe.rows(sql`SELECT surrogate_keys FROM events WHERE type = 'tag.updated' ORDER BY id DESC LIMIT 1`),
    ).toEqual([{ surrogate_keys: '["tags","tag:rowans","articles","tag:rowan"]' }]);
    expect(await during(() => renameCredit('Per'))).toEqual([credit('credit.updated', per, 'Per', 'upsert')]);

    expect(await unpublish(id)).toEqual([
      article('article.unpublished'),
      tag('tag.unpublished', rowan, 'rowans', 'Rowan'),
      credit('credit.unpublished', per, 'Per'),
    ]);
    // Not public any more: deleting them adds nothing to the feed.
    expect(await during(() => as(api.delete('/v1/tags/rowans')).expect(204))).toEqual([
      { ...tag('tag.deleted', rowan, 'rowans', 'Rowan', null), data: { id: rowan, slug: 'rowans' } },
    ]);
    expect(await during(() => as(api.delete(`/v1/credits/${per}`)).expect(204))).toEqual([
      { ...credit('credit.deleted', per, 'Per', null), data: { id: per } },
    ]);
  });

  it('announces a tag once when its first two carriers are published at once, and once when both leave', async () => {
    for (let round = 0; round < 4; round++) {
      const name = `Spruce ${round}`;
      const slug = `spruce-${round}`;
      const a = await draft(`${name} A`, { tags: [name] });
      const b = await draft(`${name} B`, { tags: [name] });
      const ofTag = (events: { entity: string; type: string }[]) =>
        events.filter((e) => e.entity === 'tag').map((e) => e.type);
      const both = (path: string) =>
        during(() =>
          Promise.all(
            [a.id, b.id].map((article) =>
              as(api.post(`/v1/articles/${article}/${path}`))
                .send({})
                .expect(200),
            ),
          ),
        );
      expect(ofTag(await both('publish'))).toEqual(['tag.published']);
      expect(ofTag(await both('unpublish'))).toEqual(['tag.unpublished']);
      await api.get(`/v1/tags/${slug}`).expect(404);
    }
  });
});
