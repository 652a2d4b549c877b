/**
 * Moderators and readers on two nodes at once, on one database (two connections to one SQLite
 * file, or two pools on one PostgreSQL database).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createPublishedArticle, createToken } from '../helpers/factories.js';
import { buildTwoNodes } from '../helpers/nodes.js';
import { commentInput, postComment, uniqueIp } from '../modules/comments/support.js';

const { a, b, probe } = await buildTwoNodes({ config: { COMMENTS_FLOOD_WINDOW_S: 0 } });
const moderator = await createToken(a.services, 'moderator');
const nodes = [a, b];

async function stored(articleId: string) {
  const [row] = await probe.rows<{ comment_count: number }>(
    sql`select comment_count from articles where id = ${articleId}`,
  );
  const [approved] = await probe.rows<{ n: number }>(
    sql`select count(*) as n from comments where article_id = ${articleId} and status = 'approved'`,
  );
  return { commentCount: Number(row?.comment_count), approved: Number(approved?.n) };
}

describe('parallel approvals of distinct comments of one article, on two nodes', () => {
  it('keep comment_count equal to the number of approved comments', async () => {
    const article = await createPublishedArticle(a.services);
    for (let i = 0; i < 8; i++) await postComment(a.api, article.slug).expect(202);
    const ids = (
      await probe.rows<{ id: number }>(sql`select id from comments where article_id = ${article.id} order by id`)
    ).map((row) => Number(row.id));
    expect(ids).toHaveLength(8);
    // Each comment approved on one node, and again at the same time on the other.
    const answers = await Promise.all(
      ids.flatMap((id, i) =>
        [nodes[i % 2] ?? a, nodes[(i + 1) % 2] ?? b].map((node) =>
          node.api.patch(`/v1/comments/${id}`).set('authorization', moderator.header).send({ status: 'approved' }),
        ),
      ),
    );
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await stored(article.id)).toEqual({ commentCount: 8, approved: 8 });

    // Then half taken back, in parallel on both nodes: the count follows.
    const rejected = await Promise.all(
      ids
        .slice(0, 4)
        .map((id, i) =>
          (nodes[i % 2] ?? a).api
            .patch(`/v1/comments/${id}`)
            .set('authorization', moderator.header)
            .send({ status: 'rejected' }),
        ),
    );
    for (const res of rejected) expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await stored(article.id)).toEqual({ commentCount: 4, approved: 4 });
    for (const node of nodes) {
      const shown = await node.api.get(`/v1/articles/${article.slug}`).expect(200);
      expect(shown.body.comment_count).toBe(4);
    }
  });
});

describe('the same comment posted at once on two nodes', () => {
  it('is stored once', async () => {
    const article = await createPublishedArticle(a.services);
    const comment = commentInput();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (nodes[i % 2] ?? a).api
          .post(`/v1/articles/${article.slug}/comments`)
          .set('x-forwarded-for', uniqueIp())
          .send(comment),
      ),
    );
    // A duplicate gets the same receipt as the original: it tells nothing about what is stored.
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(202);
    const [row] = await probe.rows<{ n: number }>(
      sql`select count(*) as n from comments where article_id = ${article.id}`,
    );
    expect(Number(row?.n)).toBe(1);
  });
});
