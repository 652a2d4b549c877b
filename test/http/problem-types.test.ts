/**
 * A problem document's `type` is a URI reference that resolves: to what the problem means and
 * what a client does about it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBLEMS } from '../../src/errors.js';
import { buildTestApp } from '../helpers/build-app.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});

describe('GET /problems/{type}', () => {
  it('describes the problem a real answer names in its type', async () => {
    const problem = await t.app.inject({ method: 'GET', url: '/v1/articles/nothing-is-called-this' });
    expect(problem.statusCode).toBe(404);
    const described = await t.app.inject({ method: 'GET', url: problem.json().type });
    expect(described.statusCode).toBe(200);
    expect(described.headers['cache-control']).toBe('public, max-age=86400');
    expect(described.json()).toEqual({
      type: '/problems/not_found',
      code: 'not_found',
      status: 404,
      title: 'Not found',
      description:
        'Nothing is found under this name, or the route does not exist. An article that is not published is not found for readers.',
    });
  });

  it('resolves every type of the catalogue, each with a description of its own', async () => {
    const descriptions = new Set<string>();
    for (const [code, { status, title }] of Object.entries(PROBLEMS)) {
      const response = await t.app.inject({ method: 'GET', url: `/problems/${code}` });
      expect(response.statusCode, code).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ type: `/problems/${code}`, code, status, title });
      descriptions.add(body.description);
    }
    expect(descriptions.size).toBe(Object.keys(PROBLEMS).length);
  });

  it('is a 404 problem for a type that does not exist, including inherited names', async () => {
    for (const type of ['no_such_problem', 'constructor', '__proto__', 'toString']) {
      const response = await t.app.inject({ method: 'GET', url: `/problems/${type}` });
      expect(response.statusCode, type).toBe(404);
      expect(response.json()).toMatchObject({ code: 'not_found', detail: `No problem type is called ${type}` });
    }
  });
});
