import { describe, expect, it } from 'vitest';
import {
  articleEvent,
  commentEvent,
  creditEvent,
  EVENT_TYPES,
  feedEntryOf,
  SUBSCRIPTIONS,
  subscribersOf,
  tagEvent,
} from '../../../src/modules/events/catalogue.js';

describe('the event catalogue', () => {
  it('selects an event by its type, its entity, or everything', () => {
    expect(subscribersOf('article.published')).toEqual(['*', 'article.*', 'article.published']);
    expect(subscribersOf('webhook.ping')).toEqual(['*', 'webhook.*', 'webhook.ping']);
    for (const type of EVENT_TYPES) expect(SUBSCRIPTIONS).toContain(type);
    expect(SUBSCRIPTIONS).toEqual(expect.arrayContaining(['*', 'article.*', 'comment.*', 'tag.*', 'credit.*']));
  });

  it('puts public content that appears or changes in the feed as upserts, and what leaves as tombstones', () => {
    const entries = Object.fromEntries(EVENT_TYPES.map((type) => [type, feedEntryOf(type)]));
    expect(entries).toEqual({
      'article.published': 'upsert',
      'article.updated': 'upsert',
      'article.unpublished': 'delete',
      'article.archived': 'delete',
      'article.scheduled': null,
      'comment.created': null,
      'comment.approved': null,
      'comment.rejected': null,
      'comment.spam': null,
      'comment.pending': null,
      'comment.erased': null,
      'tag.created': null,
      'tag.updated': null,
      'tag.deleted': null,
      'tag.published': 'upsert',
      'tag.unpublished': 'delete',
      'credit.created': null,
      'credit.updated': null,
      'credit.deleted': null,
      'credit.published': 'upsert',
      'credit.unpublished': 'delete',
    });
    // An update is in the feed only while the tag or credit is public: its writer says so (EventInput.feed).
    expect(feedEntryOf('webhook.ping')).toBeNull();
  });

  it('builds article events with what is known, and the publication time of a schedule', () => {
    expect(articleEvent('article.unpublished', { id: 'a1', slug: 'fjord' }, 5)).toEqual({
      type: 'article.unpublished',
      entity: 'article',
      entityId: 'a1',
      slug: 'fjord',
      data: { id: 'a1', slug: 'fjord' },
      surrogateKeys: ['articles', 'article:a1', 'tags', 'credits'],
      at: 5,
    });
    const at = Date.parse('2026-03-01T08:00:00.000Z');
    expect(
      articleEvent('article.scheduled', { id: 'a1', slug: 'fjord', revision: 2, publishAt: at, title: null }, 5).data,
    ).toEqual({ id: 'a1', slug: 'fjord', title: null, revision: 2, publish_at: '2026-03-01T08:00:00.000Z' });
    expect(articleEvent('article.scheduled', { id: 'a1', slug: 'fjord', publishAt: null }, 5).data).toEqual({
      id: 'a1',
      slug: 'fjord',
    });
  });

  it('builds comment, tag and credit events with ids and public fields only', () => {
    expect(commentEvent('comment.approved', { id: 7, articleId: 'a1', status: 'approved' }, 9)).toEqual({
      type: 'comment.approved',
      entity: 'comment',
      entityId: '7',
      slug: null,
      data: { id: 7, article_id: 'a1', status: 'approved' },
      surrogateKeys: ['comments:a1', 'article:a1', 'articles'],
      at: 9,
    });
    expect(commentEvent('comment.erased', { id: 7, articleId: 'a1' }, 9).data).toEqual({ id: 7, article_id: 'a1' });
    expect(tagEvent('tag.updated', { id: 3, slug: 'is', name: 'Is', previousSlug: 'ice' }, 1)).toEqual({
      type: 'tag.updated',
      entity: 'tag',
      entityId: '3',
      slug: 'is',
      data: { id: 3, slug: 'is', name: 'Is', previous_slug: 'ice' },
      surrogateKeys: ['tags', 'tag:is', 'articles', 'tag:ice'],
      at: 1,
    });
    expect(tagEvent('tag.updated', { id: 3, slug: 'is', previousSlug: 'is' }, 1)).toMatchObject({
      data: { id: 3, slug: 'is' },
      surrogateKeys: ['tags', 'tag:is', 'articles'],
    });
    expect(creditEvent('credit.created', { id: 4, name: 'Kari' }, 2)).toEqual({
      type: 'credit.created',
      entity: 'credit',
      entityId: '4',
      slug: null,
      data: { id: 4, name: 'Kari' },
      surrogateKeys: ['credits', 'credit:4', 'articles'],
      at: 2,
    });
    expect(creditEvent('credit.deleted', { id: 4 }, 2).data).toEqual({ id: 4 });
  });
});
