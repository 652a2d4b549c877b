/**
 * A client retrying a write with its Idempotency-Key may land on another node behind the load
 * balancer: that node must answer with the first answer, not run the write again.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createToken } from '../helpers/factories.js';
import { buildTwoNodes } from '../helpers/nodes.js';

const { a, b, probe } = await buildTwoNodes();
const editor = await createToken(a.services, 'editor');
const draft = { title: 'Une seule fois', lang: 'fr', body: 'Créé une fois, quel que soit le nœud.' };

/** Articles whose slug starts with `prefix`: a draft's slug comes from its title. */
async function articlesSlugged(prefix: string): Promise<number> {
  const [row] = await probe.rows<{ n: number }>(
    sql`select count(*) as n from articles where slug like ${`${prefix}%`}`,
  );
  return Number(row?.n);
}

describe('an Idempotency-Key retried on the other node', () => {
  it('replays the first answer, and the article exists once', async () => {
    const first = await a.api
      .post('/v1/articles')
      .set('authorization', editor.header)
      .set('idempotency-key', 'retry-on-b')
      .send(draft)
      .expect(201);
    const retried = await b.api
      .post('/v1/articles')
      .set('authorization', editor.header)
      .set('idempotency-key', 'retry-on-b')
      .send(draft)
      .expect(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body).toEqual(first.body);
    expect(retried.headers.location).toBe(first.headers.location);
    expect(await articlesSlugged('une-seule-fois')).toBe(1);
  });

  it('sent to both nodes at once, runs once: one 201, and a replay or a 409 for the other', async () => {
    const send = (node: typeof a) =>
      node.api
        .post('/v1/articles')
        .set('authorization', editor.header)
        .set('idempotency-key', 'both-at-once')
        .send({ ...draft, title: 'Deux envois' });
    const answers = await Promise.all([send(a), send(b)]);
    const statuses = answers.map((r) => r.status).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const created = answers.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await articlesSlugged('deux-envois')).toBe(1);
  });
});
