/**
 * A wrong method on a path the API serves is a 405 naming the methods it does answer (RFC 9110,
 * 15.5.6), not a 404 that says the resource does not exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});

describe('a wrong method on a known path', () => {
  it('answers 405 with Allow naming the methods the path answers', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/v1/articles?limit=5' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const { request_id, ...body } = response.json();
    expect(request_id).toBe(response.headers['x-request-id']);
    expect(body).toEqual({
      type: '/problems/method_not_allowed',
      code: 'method_not_allowed',
      title: 'Method not allowed',
      status: 405,
      detail: '/v1/articles does not answer DELETE; it answers GET, HEAD, POST',
      instance: '/v1/articles',
    });
  });

  it('matches parameters in the path, whatever their value', async () => {
    const response = await t.app.inject({ method: 'PUT', url: '/v1/tags/energie' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('DELETE, GET, HEAD, PATCH');
  });

  it('stays a 404 on a path no route answers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers.allow).toBeUndefined();
    expect(response.json()).toMatchObject({ type: '/problems/not_found', detail: 'No route for GET /v1/nothing-here' });
  });

  it('ignores a trailing slash, as the router does', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/v1/articles/' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
  });

  it('stays a 404 when a route answers the method but finds nothing, as for a missing /docs asset', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await t.app.inject({ method, url: '/docs/static/no-such-file.js' });
      expect(response.statusCode, method).toBe(404);
      expect(response.headers.allow, method).toBeUndefined();
    }
  });
});
