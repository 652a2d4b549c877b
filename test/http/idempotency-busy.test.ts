/**
 * @sqlite-only: another process holding the file's write lock, and busy_timeout, are SQLite's. On
 * PostgreSQL the writes that must not wait lock the key's row with NOWAIT (test/db/community-races.pg.test.ts).
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createDraftArticle, createToken } from '../helpers/factories.js';
import { buildFileApp, tempDir } from '../helpers/file-app.js';

const path = join(tempDir(), 'idempotency.db');
const { api, services } = await buildFileApp(path, { database: { busyTimeoutMs: 20 } });
// Another process on the same file, such as the fjord CLI, which takes the write lock at the worst moment.
const other = new BetterSqlite3(path);
afterAll(() => other.close());
const editor = await createToken(services, 'editor', 'Ada');

/** Another process takes the write lock just before (or just after) the publication's own transaction. */
const realPublish = services.publishing.publish.bind(services.publishing);
let lockTaken: 'before' | 'after' | null = null;
services.publishing.publish = async (...args) => {
  if (lockTaken === 'before') other.exec('BEGIN IMMEDIATE');
  const published = await realPublish(...args);
  if (lockTaken === 'after') other.exec('BEGIN IMMEDIATE');
  return published;
};

async function publishWhileLocked(when: 'before' | 'after', id: string, key: string) {
  lockTaken = when;
  try {
    return await api.post(`/v1/articles/${id}/publish`).set('authorization', editor.header).set('idempotency-key', key);
  } finally {
    lockTaken = null;
    if (other.inTransaction) other.exec('ROLLBACK');
  }
}

const publishAudits = (id: string) =>
  other.prepare("select count(*) from audit_log where action = 'article.publish' and subject_id = ?").pluck().get(id);

const keyStatus = (key: string) =>
  other.prepare('select status_code from idempotency_keys where key = ?').pluck().get(key);

describe('Idempotency-Key bookkeeping the database refuses', () => {
  it('never changes the answer of a write that committed, and a retry replays it without writing again', async () => {
    const draft = await createDraftArticle(services, { title: 'Committed' });
    const first = await publishWhileLocked('after', draft.id, 'publish-committed');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: draft.id, title: 'Committed', status: 'published' });
    expect(publishAudits(draft.id)).toBe(1);
    // Still pending on disk; the next request of any kind records the answer, for every process to replay.
    expect(keyStatus('publish-committed')).toBe(0);
    await api.get('/healthz').expect(200);
    expect(keyStatus('publish-committed')).toBe(200);

    const retry = await api
      .post(`/v1/articles/${draft.id}/publish`)
      .set('authorization', editor.header)
      .set('idempotency-key', 'publish-committed');
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(publishAudits(draft.id)).toBe(1);
  });

  it('replays a committed answer the database has not taken yet, from this process, while the lock is still held', async () => {
    const draft = await createDraftArticle(services, { title: 'Held' });
    lockTaken = 'after';
    try {
      const first = await api
        .post(`/v1/articles/${draft.id}/publish`)
        .set('authorization', editor.header)
        .set('idempotency-key', 'publish-held');
      expect(first.status).toBe(200);
      lockTaken = null;
      const retry = await api
        .post(`/v1/articles/${draft.id}/publish`)
        .set('authorization', editor.header)
        .set('idempotency-key', 'publish-held');
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(keyStatus('publish-held')).toBe(0);
    } finally {
      lockTaken = null;
      if (other.inTransaction) other.exec('ROLLBACK');
    }
    expect(publishAudits(draft.id)).toBe(1);
    await api.get('/healthz').expect(200);
    expect(keyStatus('publish-held')).toBe(200);
  });

  it('answers a write refused as busy with the problem document, and lets the retry run', async () => {
    const draft = await createDraftArticle(services, { title: 'Refused' });
    const first = await publishWhileLocked('before', draft.id, 'publish-refused');
    expect(first.status).toBe(503);
    expect(first.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(first.headers['retry-after']).toBe('1');
    expect(first.body).toEqual({
      type: '/problems/unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: 'The database is busy with another writer; retry shortly',
      instance: `/v1/articles/${draft.id}/publish`,
      code: 'unavailable',
      request_id: expect.any(String),
    });
    expect(publishAudits(draft.id)).toBe(0);

    const retry = await api
      .post(`/v1/articles/${draft.id}/publish`)
      .set('authorization', editor.header)
      .set('idempotency-key', 'publish-refused');
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.body).toMatchObject({ id: draft.id, title: 'Refused', status: 'published' });
    expect(publishAudits(draft.id)).toBe(1);
  });
});
