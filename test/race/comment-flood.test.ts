/**
 * The comment flood limits on two nodes sharing one database: a duplicate comment, answered 202
 * and not stored, counts against the limits wherever it was posted, so a prober spreading guesses
 * over the nodes gets no more tries than on one node.
 */
import { describe, expect, it } from 'vitest';
import { testClock } from '../helpers/build-app.js';
import { createPublishedArticle } from '../helpers/factories.js';
import { buildTwoNodes, type Node } from '../helpers/nodes.js';
import { commentInput, postComment, uniqueIp } from '../modules/comments/support.js';

const FLOOD_MAX = 3;
const clock = testClock();
const { a, b } = await buildTwoNodes({
  clock,
  config: {
    TRUST_PROXY: true,
    COMMENTS_FLOOD_MAX: FLOOD_MAX,
    COMMENTS_FLOOD_WINDOW_S: 60,
    // Every node hashes addresses with the same key, as DATABASE_URL requires.
    IP_HASH_KEY: 'a-test-key-of-at-least-thirty-two-characters',
  },
});
const article = await createPublishedArticle(a.services);

/** Posts one comment to each node of `nodes` in turn, until one answers 429: how many were answered 202. */
async function acceptedBeforeRefusal(nodes: Node[], comment: (i: number) => { ip: string; body: object }) {
  for (let i = 0; i < 10 * FLOOD_MAX; i++) {
    const node = nodes[i % nodes.length] ?? a;
    const { ip, body } = comment(i);
    const res = await postComment(node.api, article.slug, body, ip);
    if (res.status === 429) return i;
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
  throw new Error('the flood limit never answered');
}

describe('duplicate comments posted to two nodes in turn', () => {
  it('meet the flood limit of one address at the same count as on one node', async () => {
    const counts = [];
    for (const nodes of [[a], [a, b], [b, a]]) {
      clock.advance(120_000);
      // Comments by several authors, each then posted again from one address: all duplicates, and
      // no e-mail reaches its own limit.
      const originals = Array.from({ length: 2 * FLOOD_MAX }, () => commentInput());
      for (const original of originals) await postComment(a.api, article.slug, original).expect(202);
      const ip = uniqueIp();
      counts.push(await acceptedBeforeRefusal(nodes, (i) => ({ ip, body: originals[i] ?? {} })));
    }
    expect(counts).toEqual([FLOOD_MAX, FLOOD_MAX, FLOOD_MAX]);
  });

  it('meet the flood limit of one e-mail at the same count as on one node', async () => {
    const counts = [];
    for (const nodes of [[a], [a, b], [b, a]]) {
      clock.advance(120_000);
      const original = commentInput();
      await postComment(a.api, article.slug, original).expect(202);
      // From a new address each time: only the e-mail's limit applies, and the original counts.
      counts.push(await acceptedBeforeRefusal(nodes, () => ({ ip: uniqueIp(), body: original })));
    }
    expect(counts).toEqual([FLOOD_MAX - 1, FLOOD_MAX - 1, FLOOD_MAX - 1]);
  });

  it('leave a prober no more fresh comments after a right guess than after a wrong one', async () => {
    clock.advance(120_000);
    const victim = commentInput();
    await postComment(a.api, article.slug, victim).expect(202);
    const afterGuess = async (body: string) => {
      clock.advance(120_000);
      const ip = uniqueIp();
      // The guess on one node, then fresh comments on both in turn until the limit answers.
      await postComment(b.api, article.slug, { ...victim, body }, ip).expect(202);
      return acceptedBeforeRefusal([a, b], () => ({ ip, body: {} }));
    };
    const afterRight = await afterGuess(victim.body);
    const afterWrong = await afterGuess('Something else entirely.');
    expect(afterRight).toBe(afterWrong);
    expect(afterWrong).toBe(FLOOD_MAX - 1);
  });
});
