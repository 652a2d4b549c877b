import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { sqliteServices } from '../helpers/engine.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';
import { freePort, type ServerProcess, startServer, tempDatabasePath } from '../helpers/server-process.js';

const WRITES = 240;
const COMMENTS = 12;
const STATUSES = ['approved', 'rejected', 'pending', 'spam'] as const;

const path = tempDatabasePath();
const env = {
  DATABASE_PATH: path,
  RATE_LIMIT_MAX: '0',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  COMMENTS_FLOOD_WINDOW_S: '0',
};
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) server.child.kill('SIGTERM');
  await Promise.all(servers.map((server) => server.exited));
});

describe('two server processes on one database file', () => {
  it('start at the same moment with default settings, both migrating, and serve one seeded article', async () => {
    const fresh = tempDatabasePath();
    const started = [
      startServer({ DATABASE_PATH: fresh, PORT: String(await freePort()) }),
      startServer({ DATABASE_PATH: fresh, PORT: String(await freePort()) }),
    ];
    servers.push(...started);
    await Promise.all(started.map((server) => server.ready()));

    const lists = await Promise.all(
      started.map(async (server) => {
        const res = await fetch(`${server.url}/v1/articles`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { data: { slug: string }[] };
        return body.data.map((article) => article.slug);
      }),
    );
    expect(lists[0]).toHaveLength(1);
    expect(lists[1]).toEqual(lists[0]);
  }, 60_000);

  it('answer concurrent moderation writes without a single 500', async () => {
    const first = startServer({ ...env, PORT: String(await freePort()) });
    servers.push(first);
    await first.ready();
    const second = startServer({ ...env, PORT: String(await freePort()), MIGRATE_ON_START: 'false' });
    servers.push(second);
    await second.ready();

    const database = openDatabase(path);
    const services = sqliteServices(database);
    const article = await createPublishedArticle(services);
    const moderator = await createToken(services, 'moderator');
    database.close();

    const ids: number[] = [];
    for (let n = 0; n < COMMENTS; n++) {
      const res = await fetch(`${first.url}/v1/articles/${article.slug}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ author_name: 'Reader', author_email: `two${n}@example.org`, body: `Comment ${n}` }),
      });
      expect(res.status).toBe(202);
    }
    const check = openDatabase(path);
    for (const row of check.sqlite.prepare('select id from comments order by id').all() as { id: number }[]) {
      ids.push(row.id);
    }
    check.close();
    expect(ids).toHaveLength(COMMENTS);

    const statuses = await Promise.all(
      Array.from({ length: WRITES }, async (_, n) => {
        const server = n % 2 === 0 ? first : second;
        const res = await fetch(`${server.url}/v1/comments/${ids[n % COMMENTS]}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: moderator.header },
          body: JSON.stringify({ status: STATUSES[n % STATUSES.length] }),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    const counts = Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((t) => t === s).length]));
    expect(counts).toEqual({ 200: WRITES });
  }, 60_000);
});
