/**
 * Every write of public content and of comments appends its event, exactly once, in the
 * transaction of the change: the whole row (type, entity, id, slug, feed entry, data) as a
 * receiver and the change feed read it. A refused request appends nothing.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lastCommentId, postComment } from '../comments/support.js';
import { eventTestbed } from './support.js';

const { api, probe, clock, as, during, idOf, draft } = await eventTestbed();

const article = (type: string, id: string, slug: string, data: Record<string, unknown>) => ({
  type,
  entity: 'article',
  entity_id: id,
  slug,
  feed:
    type === 'article.scheduled'
      ? null
      : ['article.unpublished', 'article.archived'].includes(type)
        ? 'delete'
        : 'upsert',
  data: { id, slug, ...data },
});

describe('article events', () => {
  it('announces the tags and credits new content creates, outside the public feed, and nothing else for a draft', async () => {
    const events = await during(() =>
      draft('Fjords in winter', {
        tags: ['Cold water'],
        credits: [{ role: 'image', name: 'Kari Nordmann', organization: 'Unsplash' }],
      }),
    );
    const tagId = await idOf('tags', sql`slug = 'cold-water'`);
    const creditId = await idOf('credits', sql`name = 'Kari Nordmann'`);
    expect(events).toEqual([
      {
        type: 'tag.created',
        entity: 'tag',
        entity_id: String(tagId),
        slug: 'cold-water',
        feed: null,
        data: { id: tagId, slug: 'cold-water', name: 'Cold water' },
      },
      {
        type: 'credit.created',
        entity: 'credit',
        entity_id: String(creditId),
        slug: null,
        feed: null,
        data: { id: creditId, name: 'Kari Nordmann' },
      },
    ]);
  });

  it('publishes, updates, unpublishes, republishes and archives, one event each', async () => {
    const { id } = await draft('Northern lights');
    const slug = 'northern-lights';
    expect(
      await during(() =>
        as(api.post(`/v1/articles/${id}/publish`))
          .send({})
          .expect(200),
      ),
    ).toEqual([article('article.published', id, slug, { title: 'Northern lights', revision: 1 })]);

    await as(api.post(`/v1/articles/${id}/revisions`)).send({ base_revision: 1, title: 'Northern lights, again' });
    expect(
      await during(() =>
        as(api.post(`/v1/articles/${id}/publish`))
          .send({})
          .expect(200),
      ),
    ).toEqual([article('article.updated', id, slug, { title: 'Northern lights, again', revision: 2 })]);

    expect(await during(() => as(api.post(`/v1/articles/${id}/unpublish`)).expect(200))).toEqual([
      article('article.unpublished', id, slug, {}),
    ]);
    expect(
      await during(() =>
        as(api.post(`/v1/articles/${id}/publish`))
          .send({ revision: 1 })
          .expect(200),
      ),
    ).toEqual([article('article.published', id, slug, { title: 'Northern lights', revision: 1 })]);
    expect(await during(() => as(api.delete(`/v1/articles/${id}`)).expect(204))).toEqual([
      article('article.archived', id, slug, {}),
    ]);
  });

  it('announces comments opened or closed on a published article, and nothing for a draft', async () => {
    const { id } = await draft('Polar night');
    const slug = 'polar-night';
    const toggle = (open: boolean) =>
      as(api.patch(`/v1/articles/${id}`))
        .send({ comments_open: open })
        .expect(200);
    expect(await during(() => toggle(false))).toEqual([]);
    await as(api.post(`/v1/articles/${id}/publish`))
      .send({})
      .expect(200);
    expect(await during(() => toggle(true))).toEqual([
      article('article.updated', id, slug, { title: 'Polar night', revision: 1 }),
    ]);
  });

  it('announces a schedule, then the publication when it comes due, once', async () => {
    const { id } = await draft('Midnight sun');
    const at = new Date(clock.now() + 60_000).toISOString();
    expect(
      await during(() =>
        as(api.post(`/v1/articles/${id}/publish`))
          .send({ at })
          .expect(200),
      ),
    ).toEqual([article('article.scheduled', id, 'midnight-sun', { revision: 1, publish_at: at })]);
    clock.advance(61_000);
    const fired = await during(async () => {
      // The first request at or after the time applies the schedule; the next finds nothing due.
      await api.get('/v1/articles').expect(200);
      await api.get('/v1/articles').expect(200);
    });
    expect(fired).toEqual([article('article.published', id, 'midnight-sun', { title: 'Midnight sun', revision: 1 })]);
  });

  it('announces nothing when a schedule is cancelled or a draft archived: no reader saw them', async () => {
    const { id } = await draft('Never public');
    const at = new Date(clock.now() + 60_000).toISOString();
    await as(api.post(`/v1/articles/${id}/publish`))
      .send({ at })
      .expect(200);
    expect(await during(() => as(api.post(`/v1/articles/${id}/unpublish`)).expect(200))).toEqual([]);
    expect(await during(() => as(api.delete(`/v1/articles/${id}`)).expect(204))).toEqual([]);
  });

  it('appends nothing for a refused request', async () => {
    const { id } = await draft('Archived already');
    await as(api.delete(`/v1/articles/${id}`)).expect(204);
    const events = await during(async () => {
      await as(api.post(`/v1/articles/${id}/publish`))
        .send({})
        .expect(409);
      await as(api.post(`/v1/articles/${id}/publish`))
        .send({ revision: 9 })
        .expect(409);
      await as(api.post('/v1/tags')).send({ name: 'Dup' }).expect(201);
    });
    // Only the tag that was created: the refused publications wrote nothing.
    expect(events.map((e) => e.type)).toEqual(['tag.created']);
    expect(await during(() => as(api.post('/v1/tags')).send({ name: 'Dup' }).expect(409))).toEqual([]);
    expect(await during(() => api.post('/v1/tags').send({ name: 'No token' }).expect(401))).toEqual([]);
  });
});

describe('tag and credit events', () => {
  it('announces a tag created, renamed and deleted; never public, it makes no feed entry', async () => {
    await during(() => as(api.post('/v1/tags')).send({ name: 'Glaciers' }).expect(201));
    const tagId = await idOf('tags', sql`slug = 'glaciers'`);
    const tag = (type: string, slug: string, feed: string | null, data: Record<string, unknown>) => ({
      type,
      entity: 'tag',
      entity_id: String(tagId),
      slug,
      feed,
      data: { id: tagId, slug, ...data },
    });
    expect(
      await during(() => as(api.patch('/v1/tags/glaciers')).send({ name: 'Ice', slug: 'ice' }).expect(200)),
    ).toEqual([tag('tag.updated', 'ice', null, { name: 'Ice', previous_slug: 'glaciers' })]);
    expect(await during(() => as(api.delete('/v1/tags/ice')).expect(204))).toEqual([
      tag('tag.deleted', 'ice', null, {}),
    ]);
  });

  it('refuses to delete a tag in use and announces nothing', async () => {
    const { id } = await draft('Tagged', { tags: ['Kept'] });
    await as(api.post(`/v1/articles/${id}/publish`))
      .send({})
      .expect(200);
    expect(await during(() => as(api.delete('/v1/tags/kept')).expect(409))).toEqual([]);
  });

  it('announces a credit created, updated and deleted; never public, it makes no feed entry', async () => {
    let id = 0;
    const created = await during(async () => {
      id = (await as(api.post('/v1/credits')).send({ name: 'Ola' }).expect(201)).body.id;
    });
    const credit = (type: string, feed: string | null, data: Record<string, unknown>) => ({
      type,
      entity: 'credit',
      entity_id: String(id),
      slug: null,
      feed,
      data: { id, ...data },
    });
    expect(created).toEqual([credit('credit.created', null, { name: 'Ola' })]);
    expect(
      await during(() =>
        as(api.patch(`/v1/credits/${id}`))
          .send({ name: 'Ola N.' })
          .expect(200),
      ),
    ).toEqual([credit('credit.updated', null, { name: 'Ola N.' })]);
    expect(await during(() => as(api.delete(`/v1/credits/${id}`)).expect(204))).toEqual([
      credit('credit.deleted', null, {}),
    ]);
  });
});

describe('comment events', () => {
  it('announces each comment and each status change by ids and status only, never an e-mail or note', async () => {
    const { id: articleId, slug } = await draft('Open for comments');
    await as(api.post(`/v1/articles/${articleId}/publish`))
      .send({})
      .expect(200);
    const comment = (type: string, id: number, status?: string) => ({
      type,
      entity: 'comment',
      entity_id: String(id),
      slug: null,
      feed: null,
      data: status === undefined ? { id, article_id: articleId } : { id, article_id: articleId, status },
    });

    const posted = await during(() => postComment(api, slug, { author_email: 'secret@example.com' }).expect(202));
    const first = await lastCommentId(probe);
    expect(posted).toEqual([comment('comment.created', first, 'pending')]);
    await postComment(api, slug).expect(202);
    const second = await lastCommentId(probe);

    expect(
      await during(() =>
        as(api.patch(`/v1/comments/${first}`))
          .send({ status: 'approved', note: 'fine' })
          .expect(200),
      ),
    ).toEqual([comment('comment.approved', first, 'approved')]);
    expect(
      await during(() =>
        as(api.post('/v1/comments/moderate'))
          .send({ ids: [first, second], status: 'spam', note: 'ads' })
          .expect(200),
      ),
    ).toEqual([comment('comment.spam', first, 'spam'), comment('comment.spam', second, 'spam')]);
    expect(
      await during(() =>
        as(api.post('/v1/comments/moderate'))
          .send({ ids: [first, second], status: 'spam' })
          .expect(200),
      ),
    ).toEqual([]);
    expect(
      await during(() =>
        as(api.patch(`/v1/comments/${first}`))
          .send({ status: 'pending' })
          .expect(200),
      ),
    ).toEqual([comment('comment.pending', first, 'pending')]);
    expect(
      await during(() =>
        as(api.patch(`/v1/comments/${first}`))
          .send({ status: 'rejected' })
          .expect(200),
      ),
    ).toEqual([comment('comment.rejected', first, 'rejected')]);
    expect(await during(() => as(api.delete(`/v1/comments/${first}`)).expect(204))).toEqual([
      comment('comment.erased', first),
    ]);
  });
});
