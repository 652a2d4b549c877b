import { describe, expect, it } from 'vitest';
import { createMethodIndex, routePattern } from '../../src/http/allowed-methods.js';

describe('routePattern', () => {
  it('matches one whole segment per parameter, and nothing across a slash', () => {
    const pattern = routePattern('/v1/articles/:article/revisions/:n');
    expect(pattern.test('/v1/articles/abc/revisions/3')).toBe(true);
    expect(pattern.test('/v1/articles/a/b/revisions/3')).toBe(false);
    expect(pattern.test('/v1/articles//revisions/3')).toBe(false);
    expect(pattern.test('/v1/articles/abc/revisions/3/diff')).toBe(false);
    expect(pattern.test('/x/v1/articles/abc/revisions/3')).toBe(false);
  });

  it('takes the rest of the path for a wildcard, and literal characters literally', () => {
    expect(routePattern('/docs/*').test('/docs/static/index.css')).toBe(true);
    expect(routePattern('/openapi.json').test('/openapi.json')).toBe(true);
    expect(routePattern('/openapi.json').test('/openapiXjson')).toBe(false);
  });
});

describe('the method index', () => {
  it('gathers every method of every route matching a path, sorted and upper-cased', () => {
    const index = createMethodIndex();
    index.add('/v1/tags/:slug', ['get', 'HEAD']);
    index.add('/v1/tags/:slug', 'PATCH');
    index.add('/v1/tags/:slug', 'DELETE');
    index.add('/v1/tags', ['GET', 'POST']);
    expect(index.allowed('/v1/tags/energie')).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
    expect(index.allowed('/v1/tags')).toEqual(['GET', 'POST']);
    expect(index.allowed('/v1/credits')).toEqual([]);
    expect(index.allowed('/v1/tags/')).toEqual(['GET', 'POST']);
    expect(index.allowed('/v1/tags//')).toEqual(['GET', 'POST']);
    index.add('/', 'GET');
    expect(index.allowed('/')).toEqual(['GET']);
  });
});
