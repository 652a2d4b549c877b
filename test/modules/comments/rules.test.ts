import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';
import { commentInput, lastCommentId, postComment } from './support.js';

const IP_HASH_KEY = 'k'.repeat(40);
const { api, services, probe } = await buildTestApp({
  config: {
    TRUST_PROXY: true,
    IP_HASH_KEY: IP_HASH_KEY,
    COMMENTS_BLOCKLIST_WORDS: ['casino'],
    COMMENTS_BLOCKLIST_EMAILS: ['*@spam.example'],
    COMMENTS_BLOCKLIST_IPS: ['203.0.113.0/24'],
    COMMENTS_MODERATION_WORDS: ['crypto'],
  },
});
const article = await createPublishedArticle(services);
const links = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/${i}`).join(' ');

/** Posts a comment and returns the receipt with what moderators see of it. */
async function judged(overrides: Parameters<typeof postComment>[2] = {}, ip?: string) {
  const res = await postComment(api, article.slug, overrides, ip);
  expect(res.status).toBe(202);
  const stored = await services.moderation.get(await lastCommentId(probe));
  return { receipt: res.body, status: stored.status, reasons: stored.reasons };
}

describe('spam and moderation rules', () => {
  it('calls a filled-in honeypot spam but answers like any pending comment', async () => {
    expect(await judged({ website: 'https://bot.example' })).toEqual({
      receipt: { status: 'pending', author_key: expect.any(String) },
      status: 'spam',
      reasons: [{ rule: 'honeypot', detail: 'the hidden website field was filled in' }],
    });
  });

  it('holds a comment with more than 2 links', async () => {
    expect(await judged({ body: `Sources: ${links(3)}` })).toEqual({
      receipt: { status: 'pending', author_key: expect.any(String) },
      status: 'pending',
      reasons: [{ rule: 'links', detail: '3 links, more than 2' }],
    });
  });

  it('calls more than 5 links spam', async () => {
    expect(await judged({ body: links(6) })).toMatchObject({
      receipt: { status: 'pending' },
      status: 'spam',
      reasons: [{ rule: 'links', detail: '6 links, more than 5' }],
    });
  });

  it('calls a blocklisted word spam', async () => {
    expect(await judged({ body: 'Best Casino bonus' })).toMatchObject({
      status: 'spam',
      reasons: [{ rule: 'blocked_word', detail: 'contains "casino"' }],
    });
  });

  it('calls a blocklisted e-mail spam', async () => {
    expect(await judged({ author_email: 'Bot@Spam.example' })).toMatchObject({
      status: 'spam',
      reasons: [{ rule: 'blocked_email', detail: 'e-mail matches "*@spam.example"' }],
    });
  });

  it('calls a blocklisted IP address spam', async () => {
    expect(await judged({}, '203.0.113.50')).toMatchObject({
      status: 'spam',
      reasons: [{ rule: 'blocked_ip', detail: 'IP address matches 203.0.113.0/24' }],
    });
  });

  it('holds a comment with a moderation-list word', async () => {
    expect(await judged({ body: 'Is crypto the future?' })).toMatchObject({
      status: 'pending',
      reasons: [{ rule: 'moderation_word', detail: 'contains "crypto"' }],
    });
  });

  it('keeps a first-time author waiting while auto-approval is off', async () => {
    expect(await judged()).toMatchObject({ status: 'pending', reasons: [] });
  });
});

describe('duplicates', () => {
  it('answers the same body from the same e-mail on the same article as a new comment, storing nothing', async () => {
    const input = commentInput();
    const first = await postComment(api, article.slug, input);
    expect(first.status).toBe(202);
    const before = await services.moderation.queue({ status: 'all', article: article.id, limit: 100 });
    const res = await postComment(api, article.slug, { ...input, author_email: input.author_email.toUpperCase() });
    const fresh = await postComment(api, article.slug, commentInput());
    expect(res.status).toBe(fresh.status);
    expect(res.headers['content-type']).toBe(fresh.headers['content-type']);
    expect(res.headers['cache-control']).toBe(fresh.headers['cache-control']);
    expect(res.body).toEqual({ status: 'pending', author_key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Object.keys(res.body)).toEqual(Object.keys(fresh.body));
    // A new key each time: the answer does not even hand back the first post's key.
    expect(res.body.author_key).not.toBe(first.body.author_key);
    const after = await services.moderation.queue({ status: 'all', article: article.id, limit: 100 });
    expect(after.data).toHaveLength(before.data.length + 1);
    expect(after.data.filter((c) => c.body === input.body)).toHaveLength(1);
  });

  it('answers a duplicate with the key it was sent, like any comment, and stores nothing', async () => {
    const key = 'k'.repeat(43);
    const input = commentInput({ author_key: key });
    expect((await postComment(api, article.slug, input)).body).toEqual({ status: 'pending', author_key: key });
    const before = await lastCommentId(probe);
    expect((await postComment(api, article.slug, input)).body).toEqual({ status: 'pending', author_key: key });
    expect(await lastCommentId(probe)).toBe(before);
  });

  it('accepts the same body on another article or from another author', async () => {
    const other = await createPublishedArticle(services);
    const input = commentInput();
    expect((await postComment(api, article.slug, input)).status).toBe(202);
    expect((await postComment(api, other.slug, input)).status).toBe(202);
    expect((await postComment(api, article.slug, { body: input.body })).status).toBe(202);
  });
});

describe('IP addresses', () => {
  it('stores only the keyed hash of the client address', async () => {
    await postComment(api, article.slug, {}, '192.0.2.33').expect(202);
    const id = await lastCommentId(probe);
    const [row] = await probe.rows<{ ip_hash: string | null }>(sql`select * from comments where id = ${id}`);
    expect(row?.ip_hash).toBe(createHmac('sha256', IP_HASH_KEY).update('192.0.2.33').digest('hex'));
    expect(JSON.stringify(row)).not.toContain('192.0.2.33');
  });
});
