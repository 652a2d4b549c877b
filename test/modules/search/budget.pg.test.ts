/**
 * PostgreSQL only: a search is bounded by WORK_BUDGET_MS with statement_timeout, and answers as
 * the SQLite work thread does when it runs out (search-budget.test.ts). A table lock held by
 * another connection stands in for a costly search: statement_timeout counts the wait.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';

const { api, services, engine } = await buildTestApp();

describe('a search on PostgreSQL', () => {
  it('answers a 503 too_costly problem when it outlives its budget, and searches again after', async () => {
    if (engine.kind !== 'postgres') throw new Error('the postgres project opened another engine');
    await createPublishedArticle(services, { title: 'Hydropower in the north', body: 'Narvik runs on water.' });
    const locker = await engine.handle.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE search_documents IN ACCESS EXCLUSIVE MODE');
      const res = await api.get('/v1/articles').query({ q: 'narvik' });
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
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    const again = await api.get('/v1/articles').query({ q: 'narvik', limit: 5 }).expect(200);
    expect(again.body.data.map((a: { slug: string }) => a.slug)).toEqual(['hydropower-in-the-north']);
  });
});
