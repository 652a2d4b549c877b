/**
 * A scheduled publication comes due, and its event is written, with no request at all: behind a
 * CDN, none may reach the server, and a webhook for a scheduled publish must not wait for one.
 */
import { afterAll, expect, it, vi } from 'vitest';
import { buildApp, createServices } from '../../../src/app.js';
import { defaultConfig } from '../../../src/config.js';
import { testClock } from '../../helpers/build-app.js';
import { openTestEngine, sql } from '../../helpers/engine.js';
import { createToken } from '../../helpers/factories.js';

const clock = testClock();
const database = await openTestEngine();
const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0 });
const services = createServices(database.engine, clock, config);
const app = await buildApp({ config, engine: database.engine, services, clock, schedulePollMs: 20 });
await app.ready();
afterAll(async () => {
  await app.close();
  await database.close();
});

it('publishes a schedule that comes due, and announces it, without any request', async () => {
  const editor = await createToken(services, 'editor');
  const created = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: { authorization: editor.header },
    payload: { title: 'Aurora at dawn', lang: 'en', body: 'Body.' },
  });
  const { id } = created.json<{ id: string }>();
  const at = new Date(clock.now() + 60_000).toISOString();
  const scheduled = await app.inject({
    method: 'POST',
    url: `/v1/articles/${id}/publish`,
    headers: { authorization: editor.header },
    payload: { at },
  });
  expect(scheduled.statusCode).toBe(200);
  const published = () =>
    database.probe.rows(sql`SELECT type FROM events WHERE entity_id = ${id} AND type = 'article.published'`);
  expect(await published()).toEqual([]);

  clock.advance(61_000);
  await vi.waitFor(async () => expect(await published()).toEqual([{ type: 'article.published' }]), {
    timeout: 10_000,
    interval: 20,
  });
  expect(await database.probe.rows(sql`SELECT status FROM articles WHERE id = ${id}`)).toEqual([
    { status: 'published' },
  ]);
});
