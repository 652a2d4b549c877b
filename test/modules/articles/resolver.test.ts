import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors.js';
import { createArticleResolver, movedUrl, type NamedArticle, namedBy } from '../../../src/modules/articles/resolver.js';

const article = (overrides: Partial<NamedArticle> = {}): NamedArticle => ({
  id: '01900000-0000-7000-8000-000000000001',
  slug: 'current',
  status: 'published',
  commentsOpen: true,
  match: 'slug',
  wasPublic: false,
  ...overrides,
});

/** A resolver over one stored answer, whatever the name. */
const resolverOf = (found: NamedArticle | undefined) =>
  createArticleResolver({ findAllByName: async () => (found ? [found] : []) });

const notFound = (detail: string) => expect.objectContaining({ constructor: NotFoundError, message: detail });

describe('the resolver for readers', () => {
  it('gives a published article by id or current slug, with nowhere to move', async () => {
    for (const match of ['id', 'slug'] as const) {
      const found = article({ match });
      expect(await resolverOf(found).public('name')).toEqual({ article: found, movedTo: null });
    }
  });

  it("moves a slug the article was published under to the article's current slug", async () => {
    const found = article({ match: 'former', wasPublic: true });
    expect(await resolverOf(found).public('old')).toEqual({ article: found, movedTo: 'current' });
  });

  it('answers a working slug never shown to readers as an unknown name', async () => {
    await expect(resolverOf(article({ match: 'former', wasPublic: false })).public('old')).rejects.toEqual(
      notFound('No published article with id or slug "old"'),
    );
  });

  it('never reveals a draft or an archived article, by any name', async () => {
    for (const status of ['draft', 'archived'] as const) {
      for (const match of ['id', 'slug', 'former'] as const) {
        await expect(resolverOf(article({ status, match, wasPublic: true })).public('n')).rejects.toEqual(
          notFound('No published article with id or slug "n"'),
        );
      }
    }
  });

  it('answers an unknown name with 404', async () => {
    await expect(resolverOf(undefined).public('nope')).rejects.toEqual(
      notFound('No published article with id or slug "nope"'),
    );
  });
});

describe('the resolver for editors and writes', () => {
  it('gives the article by any name and in any status, a former slug included', async () => {
    for (const status of ['draft', 'published', 'archived'] as const) {
      for (const match of ['id', 'slug', 'former'] as const) {
        const found = article({ status, match });
        expect(await resolverOf(found).editorial('n')).toEqual(found);
      }
    }
  });

  it('answers an unknown name with 404', async () => {
    await expect(resolverOf(undefined).editorial('nope')).rejects.toEqual(
      notFound('No article with id or slug "nope"'),
    );
  });
});

describe('namedBy', () => {
  const byId = article({ id: '01900000-0000-7000-8000-00000000000a', match: 'id' });
  const bySlug = article({ id: '01900000-0000-7000-8000-00000000000b', match: 'slug' });
  const byFormer = article({ id: '01900000-0000-7000-8000-00000000000c', match: 'former', wasPublic: true });

  it('takes an id before a slug, and a current slug before one of before, in whatever order they come', () => {
    expect(namedBy([byFormer, bySlug, byId])).toBe(byId);
    expect(namedBy([bySlug, byId])).toBe(byId);
    expect(namedBy([byFormer, bySlug])).toBe(bySlug);
    expect(namedBy([byFormer])).toBe(byFormer);
    expect(namedBy([])).toBeUndefined();
  });

  it('makes readers and editors alike get the article an id names, not one with that slug', async () => {
    const resolver = createArticleResolver({ findAllByName: async () => [bySlug, byId] });
    expect(await resolver.editorial('n')).toBe(byId);
    expect(await resolver.public('n')).toEqual({ article: byId, movedTo: null });
  });
});

describe('movedUrl', () => {
  it('replaces the article segment and keeps the rest of the path and the query', () => {
    expect(movedUrl('/v1/articles/old', 'new')).toBe('/v1/articles/new');
    expect(movedUrl('/v1/articles/old/comments', 'new')).toBe('/v1/articles/new/comments');
    expect(movedUrl('/v1/articles/old/comments?limit=5&cursor=abc', 'new')).toBe(
      '/v1/articles/new/comments?limit=5&cursor=abc',
    );
    expect(movedUrl('/v1/articles/old%2Dslug/comments', 'new')).toBe('/v1/articles/new/comments');
    expect(movedUrl('/v1/articles/old/comments/01900000-0000-7000-8000-000000000009/replies?limit=2', 'new')).toBe(
      '/v1/articles/new/comments/01900000-0000-7000-8000-000000000009/replies?limit=2',
    );
  });

  it('answers a path on this server even for a request line naming a host', () => {
    expect(movedUrl('http://elsewhere.example/v1/articles/old?x=1', 'new')).toBe('/v1/articles/new?x=1');
    expect(movedUrl('//elsewhere.example/v1/articles/old', 'new')).toBe('/v1/articles/new');
  });
});
