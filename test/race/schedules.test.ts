/**
 * A scheduled publication coming due while two nodes (on one database) serve requests: it is
 * applied once, whichever node gets there first.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testClock } from '../helpers/build-app.js';
import { createDraftArticle, TEST_ACTOR } from '../helpers/factories.js';
import { buildTwoNodes } from '../helpers/nodes.js';

const clock = testClock();
const { a, b, probe } = await buildTwoNodes({ clock });

async function auditActions(articleId: string): Promise<string[]> {
  const rows = await probe.rows<{ action: string }>(
    sql`select action from audit_log where subject_id = ${articleId} order by id`,
  );
  return rows.map((row) => row.action);
}

describe('a due schedule, applied by two nodes at the same time', () => {
  it('publishes once: one publication in the audit log, one status change', async () => {
    for (let round = 0; round < 4; round++) {
      const draft = await createDraftArticle(a.services);
      const at = new Date(clock.now() + 60_000).toISOString();
      // Scheduled on one node or the other: the other has to find it in the database.
      await (round % 2 === 0 ? a : b).services.publishing.publish(draft.id, { at }, TEST_ACTOR);
      clock.advance(120_000);
      const answers = await Promise.all([
        a.services.publishing.applyDue(),
        b.services.publishing.applyDue(),
        a.api.get('/v1/articles'),
        b.api.get('/v1/articles'),
        a.api.get(`/v1/articles/${draft.slug}`),
        b.api.get(`/v1/articles/${draft.slug}`),
      ]);
      for (const res of answers.slice(2)) expect((res as { status: number }).status).toBeLessThan(500);
      expect(await auditActions(draft.id)).toEqual(['article.create', 'article.schedule', 'article.publish']);
      const [state] = await probe.rows<{ status: string; n: number }>(
        sql`select status, published_revision as n from articles where id = ${draft.id}`,
      );
      expect(state).toEqual({ status: 'published', n: 1 });
      const [pending] = await probe.rows<{ n: number }>(
        sql`select count(*) as n from article_schedules where article_id = ${draft.id}`,
      );
      expect(Number(pending?.n)).toBe(0);
      for (const node of [a, b]) await node.api.get(`/v1/articles/${draft.slug}`).expect(200);
    }
  });
});
