/**
 * @sqlite-only: another process holding the file's write lock, and busy_timeout, are SQLite's. On
 * PostgreSQL a token's use skips a locked row instead (test/db/community-races.pg.test.ts).
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../../helpers/factories.js';
import { buildFileApp, tempDir } from '../../helpers/file-app.js';

/** Long enough that waiting on the lock would be seen at once; recording a token's use must not wait. */
const BUSY_TIMEOUT_MS = 15_000;

const path = join(tempDir(), 'tokens.db');
const { api, services } = await buildFileApp(path, { database: { busyTimeoutMs: BUSY_TIMEOUT_MS } });
// Another process on the same file, such as the fjord CLI, which can hold the write lock.
const other = new BetterSqlite3(path);
afterAll(() => other.close());
const lastUsed = () => other.prepare("select last_used_at from api_tokens where name = 'Root'").pluck().get();

describe('a token used while another process holds the write lock', () => {
  it('is let through at once, its last use left for a later request to record', async () => {
    const admin = await createToken(services, 'admin', 'Root');
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    let res: Awaited<ReturnType<typeof api.get>>;
    try {
      res = await api.get('/v1/tokens').set('authorization', admin.header);
    } finally {
      other.exec('ROLLBACK');
    }
    // Generous: a request that waited on the lock would take the whole busy timeout.
    expect(performance.now() - started).toBeLessThan(BUSY_TIMEOUT_MS / 2);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        {
          id: expect.any(Number),
          name: 'Root',
          role: 'admin',
          prefix: expect.stringMatching(/^fjord_/),
          created_at: expect.any(String),
          last_used_at: null,
          revoked_at: null,
        },
      ],
      meta: { next_cursor: null },
    });
    expect(lastUsed()).toBeNull();

    await api.get('/v1/tokens').set('authorization', admin.header).expect(200);
    expect(lastUsed()).toEqual(expect.any(Number));
  });
});
