/**
 * Write budgets shared by the nodes of one deployment: two apps counting in one store, Redis or
 * PostgreSQL's `rate_limits`, are one budget. Needs Redis (REDIS_URL_FOR_TESTS, default
 * redis://127.0.0.1:6379) and, for the PostgreSQL store, TEST_DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { openPgDatabase, type PgHandle } from '../../src/db/pg/client.js';
import { createPgRateLimitCounter, type RateLimitCounter } from '../../src/db/pg/rate-limits.js';
import { UnauthorizedError } from '../../src/errors.js';
import { registerAccessControl } from '../../src/http/access.js';
import { registerErrorHandling } from '../../src/http/error-handler.js';
import { registerHardening } from '../../src/http/hardening.js';
import {
  databaseRateLimitStore,
  redisRateLimitStore,
  type SharedRateLimitStore,
  sharedRateLimitStore,
} from '../../src/http/rate-limit-store.js';
import type { TokensService } from '../../src/modules/tokens/service.js';
import { createIpHasher } from '../../src/shared/ip-hash.js';
import { testClock } from '../helpers/build-app.js';
import { createTestDatabase } from '../helpers/engine.js';

const REDIS_URL = process.env.REDIS_URL_FOR_TESTS ?? 'redis://127.0.0.1:6379';
const MAX = 3;
const config = defaultConfig({ RATE_LIMIT_MAX: MAX, RATE_LIMIT_WINDOW_S: 60, MAX_EVENT_LOOP_DELAY_MS: 0 });
const silent = Fastify().log;

/** Refuses every token, as a guessed one is refused. */
const noTokens = {
  authenticate: async () => {
    throw new UnauthorizedError('The token is not valid');
  },
} as unknown as TokensService;

/** A node: the hardening and access control of the app, and one write route. */
async function node(store: SharedRateLimitStore | undefined, hashIp = createIpHasher('k'.repeat(32))) {
  const app = Fastify();
  registerErrorHandling(app);
  const limitRefusals = await registerHardening(app, config, hashIp, { rateLimitStore: store });
  await app.register(async (api) => {
    registerAccessControl(api, noTokens, limitRefusals);
    api.post('/write', { config: { access: 'public' } }, async () => ({ ok: true }));
  });
  await app.ready();
  return app;
}

const write = (app: FastifyInstance, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/write', payload: {}, headers });

/** Two nodes share one budget: writes alternate between them, then one node's write is refused. */
async function expectOneBudget(a: FastifyInstance, b: FastifyInstance) {
  const answers = [];
  for (const app of [a, b, a, b]) {
    const res = await write(app);
    answers.push([res.statusCode, res.headers['ratelimit-remaining']]);
  }
  expect(answers).toEqual([
    [200, '2'],
    [200, '1'],
    [200, '0'],
    [429, '0'],
  ]);
}

/** A guessed token on either node costs the address's shared budget too. */
async function expectRefusalsShared(a: FastifyInstance, b: FastifyInstance) {
  const guess = { authorization: 'Bearer fjord_guessed' };
  const statuses = [];
  for (const [app, headers] of [
    [a, guess],
    [b, guess],
    [a, {}],
    [b, guess],
  ] as const) {
    statuses.push((await write(app, headers)).statusCode);
  }
  expect(statuses).toEqual([401, 401, 200, 429]);
}

describe('rate limits counted in Redis', () => {
  const apps: FastifyInstance[] = [];
  const twoNodes = async () => {
    // A namespace of this run's own: the Redis is shared with other runs.
    const nameSpace = `fjord-test-${randomUUID()}:`;
    const pair = [
      await node(redisRateLimitStore(REDIS_URL, silent, nameSpace)),
      await node(redisRateLimitStore(REDIS_URL, silent, nameSpace)),
    ] as const;
    apps.push(...pair);
    return pair;
  };
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it('gives two nodes one budget', async () => {
    const [a, b] = await twoNodes();
    await expectOneBudget(a, b);
  });

  it('counts a refused token on either node against the same budget', async () => {
    const [a, b] = await twoNodes();
    await expectRefusalsShared(a, b);
  });

  it('lets writes through uncounted, and closes, while Redis cannot be reached', async () => {
    const app = await node(redisRateLimitStore('redis://127.0.0.1:1', silent));
    const statuses = [];
    for (let i = 0; i <= MAX; i++) statuses.push((await write(app)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200]);
    await app.close();
  });
});

describe('choosing the store', () => {
  const clock = testClock();
  it('takes Redis when REDIS_URL is set, PostgreSQL on PostgreSQL, and none on SQLite', async () => {
    const counter = {} as RateLimitCounter;
    const redis = sharedRateLimitStore({ REDIS_URL, RATE_LIMIT_MAX: 1 }, { counter, clock, log: silent });
    expect(redis?.kind).toBe('redis');
    await redis?.close();
    expect(sharedRateLimitStore({ RATE_LIMIT_MAX: 1 }, { counter, clock, log: silent })?.kind).toBe('postgres');
    expect(sharedRateLimitStore({ RATE_LIMIT_MAX: 1 }, { clock, log: silent })).toBeUndefined();
    expect(sharedRateLimitStore({ REDIS_URL, RATE_LIMIT_MAX: 0 }, { counter, clock, log: silent })).toBeUndefined();
  });
});

describe('rate limits counted in PostgreSQL', () => {
  let drop = async () => {};
  const handles: PgHandle[] = [];
  const apps: FastifyInstance[] = [];
  const clock = testClock();
  let url = '';
  const open = () => {
    const handle = openPgDatabase(url, { poolMax: 2 });
    handles.push(handle);
    return handle;
  };
  const twoNodes = async (hashKey = randomUUID().repeat(2)) => {
    const hashIp = createIpHasher(hashKey);
    const pair = [
      await node(databaseRateLimitStore(createPgRateLimitCounter(open().db), clock), hashIp),
      await node(databaseRateLimitStore(createPgRateLimitCounter(open().db), clock), hashIp),
    ] as const;
    apps.push(...pair);
    return pair;
  };

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(handles.map((h) => h.close()));
    await drop();
  });

  it('gives two nodes one budget', async () => {
    const [a, b] = await twoNodes();
    await expectOneBudget(a, b);
  });

  it('counts a refused token on either node against the same budget', async () => {
    const [a, b] = await twoNodes();
    await expectRefusalsShared(a, b);
  });

  it('starts a fresh budget when the window ends, by the app’s clock', async () => {
    const [a, b] = await twoNodes();
    for (const app of [a, b, a]) expect((await write(app)).statusCode).toBe(200);
    expect((await write(b)).statusCode).toBe(429);
    clock.advance(59_999);
    expect((await write(a)).statusCode).toBe(429);
    clock.advance(1);
    const fresh = await write(b);
    expect([fresh.statusCode, fresh.headers['ratelimit-remaining']]).toEqual([200, '2']);
  });

  it('counts concurrent writes exactly', async () => {
    const [a, b] = await twoNodes();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => write(i % 2 ? a : b)));
    const statuses = answers.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
  });

  it('deletes windows that ended, now and then', async () => {
    const [a] = await twoNodes();
    const { db } = open();
    const rows = async () => (await db.execute(sql`select count(*)::int as n from rate_limits`)).rows[0]?.n;
    expect(await rows()).toBeGreaterThan(0);
    clock.advance(120_000);
    await write(a);
    await vi.waitFor(async () => expect(await rows()).toBe(1));
  });

  it('answers a 503 when the database cannot be reached, as any query does', async () => {
    const unreachable = openPgDatabase('postgres://postgres@127.0.0.1:1/none', { connectionTimeoutMs: 500 });
    handles.push(unreachable);
    const app = await node(databaseRateLimitStore(createPgRateLimitCounter(unreachable.db), clock));
    apps.push(app);
    const res = await write(app);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'unavailable', detail: 'The database does not answer; retry shortly' });
  });
});
