import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';
import { commentInput, lastCommentId, postComment } from './support.js';

const clock = testClock();
const { api, services, probe } = await buildTestApp({
  clock,
  config: { TRUST_PROXY: true, COMMENTS_FLOOD_MAX: 3, COMMENTS_FLOOD_WINDOW_S: 60 },
});
const article = await createPublishedArticle(services);
const victim = { author_email: 'victim@example.com', body: 'What the victim once wrote.' };

/** Posts a guess, then fresh comments from the same address until the flood limit answers: how many went through. */
async function acceptedAfterGuess(guess: { author_email: string; body: string }, ip: string): Promise<number> {
  clock.advance(120_000);
  expect((await postComment(api, article.slug, guess, ip)).status).toBe(202);
  let accepted = 0;
  while ((await postComment(api, article.slug, {}, ip)).status === 202) accepted += 1;
  return accepted;
}

describe('a duplicate comment and the flood limit', () => {
  it('counts a duplicate against the limits like any comment, so the limit cannot tell what an e-mail posted', async () => {
    expect((await postComment(api, article.slug, victim, '192.0.2.1')).status).toBe(202);
    const afterRightGuess = await acceptedAfterGuess(victim, '192.0.2.2');
    const afterWrongGuess = await acceptedAfterGuess({ ...victim, body: 'Something else entirely.' }, '192.0.2.3');
    expect(afterRightGuess).toBe(afterWrongGuess);
    expect(afterWrongGuess).toBe(2);
  });

  it('counts a duplicate against its e-mail too', async () => {
    clock.advance(120_000);
    expect((await postComment(api, article.slug, victim)).status).toBe(202);
    expect((await postComment(api, article.slug, victim)).status).toBe(202);
    expect((await postComment(api, article.slug, { author_email: victim.author_email })).status).toBe(202);
    expect((await postComment(api, article.slug, { author_email: victim.author_email })).status).toBe(429);
  });

  it('forgets a duplicate once the window has passed', async () => {
    clock.advance(120_000);
    const ip = '192.0.2.9';
    for (let i = 0; i < 3; i++) expect((await postComment(api, article.slug, victim, ip)).status).toBe(202);
    expect((await postComment(api, article.slug, {}, ip)).status).toBe(429);
    clock.advance(61_000);
    expect((await postComment(api, article.slug, {}, ip)).status).toBe(202);
  });

  it('keeps no record of a duplicate older than the window for long', async () => {
    clock.advance(120_000);
    const original = commentInput();
    await postComment(api, article.slug, original).expect(202);
    const id = await lastCommentId(probe);
    await postComment(api, article.slug, original).expect(202);
    expect(await recorded(id)).toBe(1);
    // The next comment after the window drops it.
    clock.advance(120_000);
    await postComment(api, article.slug).expect(202);
    expect(await recorded(id)).toBe(0);
  });

  it('drops the record of its duplicates when a comment is erased', async () => {
    clock.advance(120_000);
    const original = commentInput();
    await postComment(api, article.slug, original).expect(202);
    const id = await lastCommentId(probe);
    await postComment(api, article.slug, original).expect(202);
    await postComment(api, article.slug, original).expect(202);
    expect(await recorded(id)).toBe(2);
    await services.moderation.erase(id, 'admin');
    expect(await recorded(id)).toBe(0);
  });
});

/** How many duplicates of a comment are recorded for the flood limits. */
async function recorded(commentId: number): Promise<number> {
  const [row] = await probe.rows<{ n: number }>(
    sql`select count(*) as n from comment_duplicates where comment_id = ${commentId}`,
  );
  return Number(row?.n);
}
