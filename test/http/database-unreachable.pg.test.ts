/**
 * PostgreSQL only: a node whose database goes away answers 503 problems, not 500s, and serves
 * again by itself when the database comes back. The database is reached through a TCP proxy the
 * test can stop and start, as a network partition or a restarting server would.
 */

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDatabase } from '../../src/db/pg/client.js';
import { registerErrorHandling } from '../../src/http/error-handler.js';
import { systemRoutes } from '../../src/http/system-routes.js';
import { createTcpProxy } from '../helpers/tcp-proxy.js';

const url = process.env.TEST_DATABASE_URL;

describe('a PostgreSQL node whose database goes away', () => {
  const target = new URL(url ?? 'postgres://localhost');
  const proxy = createTcpProxy(target);
  const applicationName = `fjord-unreachable-${randomUUID()}`;
  const app = Fastify();
  let close = async () => {};

  beforeAll(async () => {
    await proxy.start();
    const proxied = new URL(proxy.url());
    proxied.searchParams.set('application_name', applicationName);
    const handle = openPgDatabase(proxied.toString(), { poolMax: 2, connectionTimeoutMs: 1_000 });
    close = handle.close;
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    registerErrorHandling(app);
    await systemRoutes(app, { engine: 'postgres', ping: () => handle.pool.query('select 1') });
    app.get('/count', { config: { access: 'public' } }, async () => {
      const rows = await handle.db.execute(sql`select 1 as one`);
      return { one: rows.rows[0]?.one };
    });
    app.get('/slow', { config: { access: 'public' } }, async () => {
      await handle.db.execute(sql`select pg_sleep(30)`);
      return { slept: true };
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await close();
    await proxy.cut();
  });

  const unavailable = (instance: string, detail: string) => ({
    type: '/problems/unavailable',
    title: 'Service unavailable',
    status: 503,
    detail,
    instance,
    code: 'unavailable',
    request_id: expect.any(String),
  });

  it('answers /healthz with the engine while the database answers', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', engine: 'postgres', database: 'up' });
    expect((await app.inject('/count')).json()).toEqual({ one: 1 });
  });

  it('answers 503 problems, on /healthz and on any query, once the database is cut off', async () => {
    await proxy.cut();
    const query = await app.inject('/count');
    expect(query.statusCode).toBe(503);
    expect(query.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(query.headers['retry-after']).toBe('5');
    expect(query.json()).toEqual(unavailable('/count', 'The database does not answer; retry shortly'));
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.headers['retry-after']).toBe('5');
    expect(health.json()).toEqual({
      ...unavailable('/healthz', 'The database does not answer'),
      engine: 'postgres',
      database: 'down',
    });
  });

  it('serves again by itself once the database is back', async () => {
    await proxy.start();
    expect((await app.inject('/count')).json()).toEqual({ one: 1 });
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', engine: 'postgres', database: 'up' });
  });

  it('answers a query whose connection the server terminates (admin_shutdown) with a 503', async () => {
    const slow = app.inject('/slow');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Terminate the query's backend once it is running; polled, since it starts asynchronously.
      let terminated = 0;
      while (terminated === 0) {
        const { rowCount } = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where application_name = $1 and query like '%pg_sleep%' and state = 'active'`,
          [applicationName],
        );
        terminated = rowCount ?? 0;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await admin.end();
    }
    const res = await slow;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(unavailable('/slow', 'The database does not answer; retry shortly'));
    expect((await app.inject('/count')).json()).toEqual({ one: 1 });
  });
});
