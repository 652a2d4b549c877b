/**
 * Editors on two nodes writing the same article at once. Each node opens the test engine (two
 * connections to one SQLite file, or two pools on one PostgreSQL database), so the races are
 * between nodes, as behind a load balancer.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDraftArticle, createToken } from '../helpers/factories.js';
import { buildTwoNodes } from '../helpers/nodes.js';

const { a, b, probe } = await buildTwoNodes();
const editor = await createToken(a.services, 'editor');
const nodes = [a, b];

async function revisionNumbers(articleId: string): Promise<number[]> {
  const rows = await probe.rows<{ n: number }>(
    sql`select number as n from article_revisions where article_id = ${articleId} order by number`,
  );
  return rows.map((row) => Number(row.n));
}

describe('parallel revisions on two nodes', () => {
  it('get consecutive numbers, and each answer is a 201 or the conflict the API defines, never a 5xx', async () => {
    const article = await createDraftArticle(a.services);
    const fields = ['title', 'standfirst', 'body'] as const;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const field = fields[i % fields.length] ?? 'body';
        return (nodes[i % 2] ?? a).api
          .post(`/v1/articles/${article.id}/revisions`)
          .set('authorization', editor.header)
          .send({ base_revision: 1, [field]: `Edit ${i} of the ${field}` });
      }),
    );
    const statuses = answers.map((res) => res.status);
    for (const res of answers) expect([201, 409, 412], JSON.stringify(res.body)).toContain(res.status);
    const created = answers.filter((res) => res.status === 201).map((res) => Number(res.body.revision));
    expect(created.length, String(statuses)).toBeGreaterThan(0);
    // Every 201 names a revision of its own, and the history is 1..n without a gap.
    expect(new Set(created).size).toBe(created.length);
    const history = await revisionNumbers(article.id);
    expect(history).toEqual(Array.from({ length: created.length + 1 }, (_, i) => i + 1));
    expect([...created].sort((x, y) => x - y)).toEqual(history.slice(1));
    const head = await a.api.get(`/v1/articles/${article.id}/revisions`).set('authorization', editor.header);
    expect(head.status).toBe(200);
  });

  it('keep numbering without gaps when every writer re-reads the head and retries its conflict', async () => {
    const article = await createDraftArticle(a.services);
    const write = async (i: number) => {
      const node = nodes[i % 2] ?? a;
      for (let attempt = 0; attempt < 20; attempt++) {
        const current = await node.api.get(`/v1/articles/${article.id}`).set('authorization', editor.header);
        const base = Number(current.body.revision);
        const res = await node.api
          .post(`/v1/articles/${article.id}/revisions`)
          .set('authorization', editor.header)
          .send({ base_revision: base, body: `Writer ${i}, attempt ${attempt}` });
        expect([201, 409, 412], JSON.stringify(res.body)).toContain(res.status);
        if (res.status === 201) return Number(res.body.revision);
      }
      throw new Error(`writer ${i} never got its revision in`);
    };
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => write(i)));
    expect([...created].sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(await revisionNumbers(article.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('a tag deleted on one node while another publishes an article that adds it', () => {
  it('never leaves a published article whose revision lists the tag without the tag on the article', async () => {
    for (let round = 0; round < 6; round++) {
      const [deleter, publisher] = round % 2 === 0 ? [a, b] : [b, a];
      const tag = await a.api
        .post('/v1/tags')
        .set('authorization', editor.header)
        .send({ name: `Racing ${round} ${Math.random().toString(36).slice(2, 8)}` })
        .expect(201);
      const slug = String(tag.body.slug);
      const article = await createDraftArticle(a.services, { tags: [String(tag.body.name)] });
      const remove = () => deleter.api.delete(`/v1/tags/${slug}`).set('authorization', editor.header);
      const publish = () =>
        publisher.api.post(`/v1/articles/${article.id}/publish`).set('authorization', editor.header).send({});
      // Either one sent first: both outcomes (the delete refused, the publication bringing the tag back) occur.
      const [removed, published] =
        round % 4 < 2
          ? await Promise.all([remove(), publish()])
          : await Promise.all([publish(), remove()]).then(([p, r]) => [r, p] as const);
      expect([204, 409], JSON.stringify(removed.body)).toContain(removed.status);
      expect([200, 409, 422], JSON.stringify(published.body)).toContain(published.status);

      const [state] = await probe.rows<{ status: string; n: number | null }>(
        sql`select status, published_revision as n from articles where id = ${article.id}`,
      );
      if (state?.status !== 'published') continue;
      const revision = await a.api
        .get(`/v1/articles/${article.id}/revisions/${Number(state.n)}`)
        .set('authorization', editor.header)
        .expect(200);
      const listed = (revision.body.content.tags as { slug: string }[]).map((t) => t.slug);
      const attached = (
        await probe.rows<{ slug: string }>(
          sql`select t.slug from article_tags x join tags t on t.id = x.tag_id where x.article_id = ${article.id}`,
        )
      ).map((row) => row.slug);
      expect(attached.sort(), `round ${round}: delete ${removed.status}, publish ${published.status}`).toEqual(
        expect.arrayContaining(listed),
      );
      // What the public sees agrees with what is stored, on both nodes.
      for (const node of nodes) {
        const shown = await node.api.get(`/v1/articles/${article.slug}`).expect(200);
        expect((shown.body.tags as { slug: string }[]).map((t) => t.slug).sort()).toEqual([...listed].sort());
      }
    }
  });
});
