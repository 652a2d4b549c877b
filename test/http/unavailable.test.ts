import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import pg from 'pg';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { registerErrorHandling } from '../../src/http/error-handler.js';
import { buildTestApp } from '../helpers/build-app.js';
import { openTestEngine } from '../helpers/engine.js';

const unavailable = (detail: string, instance: string) => ({
  type: '/problems/unavailable',
  title: 'Service unavailable',
  status: 503,
  detail,
  instance,
  code: 'unavailable',
  request_id: expect.any(String),
});

const { api, engine, probe } = await buildTestApp();

/**
 * Takes the database away from under the app: SQLite's connection is closed; PostgreSQL's database
 * is dropped, which ends the pool's connections and refuses new ones, as a server gone away does.
 */
async function loseDatabase(): Promise<void> {
  if (engine.kind === 'sqlite') {
    engine.handle.sqlite.close();
    return;
  }
  const [row] = await probe.rows<{ name: string }>(sql`select current_database() as name`);
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE "${String(row?.name)}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function expectHealthUnavailable(answer: supertest.Response, kind = engine.kind) {
  expect(answer.status).toBe(503);
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(answer.headers['retry-after']).toBe('5');
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(answer.body).toEqual({
    ...unavailable('The database does not answer', '/healthz'),
    engine: kind,
    database: 'down',
  });
}

describe('a database that does not answer', () => {
  it('makes /healthz answer a 503 problem with Retry-After, as it declares, not a 500', async () => {
    await api.get('/healthz').expect(200);
    await loseDatabase();
    await expectHealthUnavailable(await api.get('/healthz'));
  });

  it('makes /healthz answer 503 when the engine’s connections are closed under the app', async () => {
    const test = await openTestEngine();
    const app = await buildApp({ config: defaultConfig({ RATE_LIMIT_MAX: 0 }), engine: test.engine });
    await app.ready();
    try {
      const client = supertest(app.server);
      await client.get('/healthz').expect(200);
      await test.engine.close();
      await expectHealthUnavailable(await client.get('/healthz'), test.engine.kind);
    } finally {
      await app.close();
      await test.close();
    }
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
