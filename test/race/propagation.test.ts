/**
 * A write on one node reaches the other node's response cache and scheduler: two apps on one
 * database (two connections to one SQLite file, or two pools on one PostgreSQL database), on the
 * system clock. SQLite nodes notice other connections' commits before each request; PostgreSQL
 * nodes hear of them. Each check polls the other node until a deadline: how soon a change lands
 * is not measured, only that it lands within the time the design promises.
 */
import { describe, expect, it } from 'vitest';
import { createDraftArticle, createPublishedArticle, createToken, TEST_ACTOR } from '../helpers/factories.js';
import { buildTwoNodes, type Node } from '../helpers/nodes.js';

const { a, b } = await buildTwoNodes();
const editor = await createToken(a.services, 'editor');

/** Within a second, as the design promises for a purge; the slack is for a loaded machine, not for the design. */
const PURGE_WITHIN_MS = 1_000;
/** A node re-reads the next due time at least once a second (RECHECK_MS): within that of `at`. */
const SCHEDULE_WITHIN_MS = 1_000;
const SLACK_MS = 1_000;

type Answer = Awaited<ReturnType<Node['api']['get']>>;

/** GETs `path` on `node` until `done` holds for the answer or the deadline passes; returns the last answer. */
async function pollUntil(node: Node, path: string, deadline: number, done: (res: Answer) => boolean): Promise<Answer> {
  for (;;) {
    const res = await node.api.get(path);
    if (done(res) || Date.now() >= deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a write on one node', () => {
  it('purges what the other node cached: its next GETs show the new revision', async () => {
    const article = await createPublishedArticle(a.services, { title: 'Before the edit' });
    const path = `/v1/articles/${article.slug}`;
    await b.api.get(path).expect(200);
    const cached = await b.api.get(path).expect(200);
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.body.title).toBe('Before the edit');

    const edited = await a.api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: 1, title: 'After the edit' })
      .expect(201);
    const deadline = Date.now() + PURGE_WITHIN_MS + SLACK_MS;
    await a.api
      .post(`/v1/articles/${article.id}/publish`)
      .set('authorization', editor.header)
      .send({ revision: edited.body.revision })
      .expect(200);
    const seen = await pollUntil(b, path, deadline, (res) => res.body.title === 'After the edit');
    expect(seen.status).toBe(200);
    expect(seen.body.title).toBe('After the edit');
  });

  it('drops the article from the other node’s cached list when it is unpublished', async () => {
    const article = await createPublishedArticle(a.services);
    await b.api.get('/v1/articles').expect(200);
    const cached = await b.api.get('/v1/articles').expect(200);
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.body.data.map((x: { slug: string }) => x.slug)).toContain(article.slug);

    await a.api.post(`/v1/articles/${article.id}/unpublish`).set('authorization', editor.header).expect(200);
    const deadline = Date.now() + PURGE_WITHIN_MS + SLACK_MS;
    const seen = await pollUntil(b, '/v1/articles', deadline, (res) =>
      res.body.data.every((x: { slug: string }) => x.slug !== article.slug),
    );
    expect(seen.body.data.map((x: { slug: string }) => x.slug)).not.toContain(article.slug);
    await pollUntil(b, `/v1/articles/${article.slug}`, deadline, (res) => res.status === 404).then((res) =>
      expect(res.status).toBe(404),
    );
  });

  it('schedules a publication the other node applies when it comes due', async () => {
    const draft = await createDraftArticle(a.services);
    const path = `/v1/articles/${draft.slug}`;
    // The other node has looked for due schedules just now, and found none.
    await b.api.get(path).expect(404);
    const at = Date.now() + 300;
    await a.services.publishing.publish(draft.id, { at: new Date(at).toISOString() }, TEST_ACTOR);
    await b.api.get(path).expect(404);
    const seen = await pollUntil(b, path, at + SCHEDULE_WITHIN_MS + SLACK_MS, (res) => res.status === 200);
    expect(seen.status).toBe(200);
    expect(seen.body.slug).toBe(draft.slug);
  });
});
