import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';

const { api } = await buildTestApp();

const problem = (status: number, code: string, title: string, instance: string) => ({
  type: `/problems/${code}`,
  title,
  status,
  detail: expect.any(String),
  instance,
  code,
  request_id: expect.any(String),
});

describe('errors are RFC 9457 problem documents', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const res = await api.get('/v1/nothing-here?x=1').expect(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual(problem(404, 'not_found', 'Not found', '/v1/nothing-here'));
  });

  it('answers an unknown article with a 404 problem', async () => {
    const res = await api.get('/v1/articles/no-such-article').expect(404);
    expect(res.body).toEqual(problem(404, 'not_found', 'Not found', '/v1/articles/no-such-article'));
    expect(res.body.detail).toBe('No published article with id or slug "no-such-article"');
  });

  it('answers a bad path parameter with a 400 problem naming it', async () => {
    const res = await api.get('/v1/credits/abc').expect(400);
    expect(res.body).toEqual({
      ...problem(400, 'bad_request', 'Bad request', '/v1/credits/abc'),
      errors: [{ in: 'params', path: 'id', message: expect.any(String) }],
    });
  });

  it('answers a percent-encoding that does not decode with a 400 problem', async () => {
    const res = await api.get('/v1/articles/%zz/revisions').expect(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual(problem(400, 'bad_request', 'Bad request', '/v1/articles/%zz/revisions'));
  });

  it('answers a path segment over the length limit with a 414 problem', async () => {
    const id = 'a'.repeat(501);
    const res = await api.get(`/v1/articles/${id}/revisions`).expect(414);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual(problem(414, 'uri_too_long', 'URI too long', `/v1/articles/${id}/revisions`));
  });

  it('echoes the caller’s X-Request-Id in the problem', async () => {
    const res = await api.get('/v1/tags/none').set('X-Request-Id', 'trace-42').expect(404);
    expect(res.body.request_id).toBe('trace-42');
  });

  it('echoes the request id in the X-Request-Id header of every response', async () => {
    const res = await api.get('/healthz').set('X-Request-Id', 'trace:43_a.b').expect(200);
    expect(res.headers['x-request-id']).toBe('trace:43_a.b');
  });

  it('replaces an X-Request-Id that is not safe to log with a generated UUID', async () => {
    const res = await api.get('/v1/tags/none').set('X-Request-Id', 'a b<script>').expect(404);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
    const long = await api.get('/healthz').set('X-Request-Id', 'x'.repeat(65));
    expect(long.headers['x-request-id']).not.toBe('x'.repeat(65));
  });

  it('answers a malformed bearer token with a 401 problem and a challenge', async () => {
    const res = await api.get('/v1/articles').set('Authorization', 'Bearer nope').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="fjord"');
    expect(res.body).toEqual(problem(401, 'unauthorized', 'Unauthorized', '/v1/articles'));
  });

  it('never shows a stack trace', async () => {
    const res = await api.get('/v1/articles').query({ cursor: '%%%' }).expect(400);
    expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  });
});
