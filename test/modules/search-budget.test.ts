import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createServices } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { createSqliteEngine } from '../../src/engine/sqlite.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

// A file database, so that searches run on their own thread under WORK_BUDGET_MS. In rollback
// journal mode a reader waits for another connection's exclusive lock: a search that cannot end
// until the test lets it, with no reliance on how fast this machine is.
const dir = mkdtempSync(join(tmpdir(), 'fjord-search-budget-'));
const path = join(dir, 'fjord.db');
// The app's own reads before a route (due schedules, other processes' commits) must not wait out the
// test's lock either: they give up at once, as they may, and the route is served.
const database = openDatabase(path, { busyTimeoutMs: 20 });
runMigrations(database.db);
database.sqlite.pragma('journal_mode = DELETE');
const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0, WORK_BUDGET_MS: 1000 });
const engine = createSqliteEngine(database, { workBudgetMs: config.WORK_BUDGET_MS });
const services = createServices(engine, undefined, config);
const app = await buildApp({ config, engine, services });
await app.ready();
const api = supertest(app.server);
const locker = new BetterSqlite3(path);

afterAll(async () => {
  if (locker.inTransaction) locker.exec('ROLLBACK');
  locker.close();
  await app.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

// Each search differs from the last, so that none is answered by the response cache.
let searches = 0;
const search = (q: string) => api.get('/v1/articles').query({ q, limit: 10 + (searches++ % 10) });

describe('a revision diff on a file database', () => {
  it('is computed on its own thread and answers as on the main one', async () => {
    const editor = await createToken(services, 'editor');
    const auth = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', editor.header);
    const created = await auth(api.post('/v1/articles')).send({ title: 'Diffed', lang: 'en', body: 'one\ntwo' });
    await auth(api.post(`/v1/articles/${created.body.id}/revisions`))
      .send({ base_revision: 1, body: 'one\n2' })
      .expect(201);
    const res = await auth(api.get(`/v1/articles/${created.body.id}/revisions/2/diff?format=lines`)).expect(200);
    expect(res.body.body).toEqual({
      changes: [
        { op: 'equal', value: 'one\n' },
        { op: 'delete', value: 'two' },
        { op: 'insert', value: '2' },
      ],
      truncated: false,
    });
    const hunks = await auth(api.get(`/v1/articles/${created.body.id}/revisions/2/diff`)).expect(200);
    expect(hunks.body.body).toEqual({
      hunks: [
        {
          old_line: 2,
          new_line: 2,
          changes: [
            { op: 'delete', value: 'two' },
            { op: 'insert', value: '2' },
          ],
        },
      ],
      granularity: 'words',
    });
  });
});

describe('a search on a file database', () => {
  beforeAll(async () => {
    await createPublishedArticle(services, { title: 'Hydropower in the north', body: 'Narvik runs on water.' });
    await search('narvik').expect(200);
  });

  it('finds published articles from its own thread', async () => {
    const res = await search('narvik').expect(200);
    expect(res.body.data.map((a: { slug: string }) => a.slug)).toEqual(['hydropower-in-the-north']);
  });

  it('answers /healthz while a search is held, then the search completes', async () => {
    locker.exec('BEGIN EXCLUSIVE');
    let searched = false;
    const held = search('narvik').then((res) => {
      searched = true;
      return res;
    });
    try {
      await api.get('/healthz').expect(200, { status: 'ok', engine: 'sqlite', database: 'up' });
      expect(searched).toBe(false);
    } finally {
      locker.exec('ROLLBACK');
    }
    expect((await held).status).toBe(200);
  });

  it('answers a 503 too_costly problem when a search outlives its budget, and searches again after', async () => {
    locker.exec('BEGIN EXCLUSIVE');
    const res = await Promise.resolve(search('narvik')).finally(() => locker.exec('ROLLBACK'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({
      type: '/problems/too_costly',
      title: 'Too costly',
      status: 503,
      detail: 'The search did not finish within its budget of 1000 ms; search for fewer or longer words',
      instance: '/v1/articles',
      code: 'too_costly',
      request_id: expect.any(String),
    });
    const again = await search('narvik').expect(200);
    expect(again.body.data).toHaveLength(1);
  });
});
