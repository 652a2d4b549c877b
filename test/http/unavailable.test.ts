import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../src/http/error-handler.js';
import { buildTestApp } from '../helpers/build-app.js';

const unavailable = (detail: string, instance: string) => ({
  type: '/problems/unavailable',
  title: 'Service unavailable',
  status: 503,
  detail,
  instance,
  code: 'unavailable',
  request_id: expect.any(String),
});

const { api, engine } = await buildTestApp();

describe('a database that does not answer', () => {
  it('makes /healthz answer a 503 problem with Retry-After, as it declares, not a 500', async () => {
    await api.get('/healthz').expect(200);
    await engine.close();
    const res = await api.get('/healthz');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      ...unavailable('The database does not answer', '/healthz'),
      engine: engine.kind,
      database: 'down',
    });
  });
});

describe('a 503 thrown by a plugin, not by the application', () => {
  const app = Fastify();
  registerErrorHandling(app);
  app.get('/plugin', async () => {
    throw Object.assign(new Error('Service Unavailable'), { statusCode: 503 });
  });
  afterAll(() => app.close());

  it('is a problem with Retry-After, so clients know when to come back', async () => {
    const res = await app.inject({ method: 'GET', url: '/plugin' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual(unavailable('The service is unavailable', '/plugin'));
  });
});
