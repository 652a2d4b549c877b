/**
 * With COMMENTS_AUTO_APPROVE_KNOWN, an author is known by an e-mail AND the author key their client
 * was handed: knowing someone's e-mail is not enough to post as them, and the answer to someone who
 * tries says nothing about that e-mail.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashAuthorKey } from '../../../src/modules/comments/author-key.js';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';
import { lastCommentId, postComment } from './support.js';

const { api, services, probe } = await buildTestApp({
  config: { TRUST_PROXY: true, COMMENTS_AUTO_APPROVE_KNOWN: true },
});
const AUTHOR_KEY = /^[A-Za-z0-9_-]{43}$/;

/** Posts a first comment, approves it, and returns the key the receipt handed out. */
async function approvedAuthor(slug: string, email: string): Promise<string> {
  const first = await postComment(api, slug, { author_email: email }).expect(202);
  await services.moderation.moderate(await lastCommentId(probe), { status: 'approved' }, 'test');
  return first.body.author_key as string;
}

describe('COMMENTS_AUTO_APPROVE_KNOWN=true', () => {
  it('hands a first-time author a key, and approves them at once when they come back with it', async () => {
    const article = await createPublishedArticle(services);
    const first = await postComment(api, article.slug, { author_email: 'regular@example.com' });
    expect(first.body).toEqual({ status: 'pending', author_key: expect.stringMatching(AUTHOR_KEY) });
    const firstId = await lastCommentId(probe);
    expect((await services.moderation.get(firstId)).reasons).toEqual([
      { rule: 'first_comment', detail: 'no earlier approved comment with this e-mail and author key' },
    ]);
    await services.moderation.moderate(firstId, { status: 'approved' }, 'test');

    const key = first.body.author_key as string;
    const second = await postComment(api, article.slug, { author_email: 'Regular@Example.com', author_key: key });
    expect(second.body).toEqual({ status: 'approved', author_key: key });
    const secondId = await lastCommentId(probe);
    expect(await services.moderation.get(secondId)).toMatchObject({
      status: 'approved',
      reasons: [{ rule: 'known_author', detail: 'an earlier comment with this e-mail and author key was approved' }],
      moderation_log: [{ actor: 'system', from: null, to: 'approved', note: null }],
    });
    expect((await api.get(`/v1/articles/${article.slug}`)).body.comment_count).toBe(2);
    const listed = await api.get(`/v1/articles/${article.slug}/comments`);
    expect(listed.body.data.map((c: { id: number }) => c.id)).toEqual([firstId, secondId]);
  });

  it('stores only the hash of the key', async () => {
    const article = await createPublishedArticle(services);
    const res = await postComment(api, article.slug).expect(202);
    const rows = await probe.rows<{ id: number; author_key_hash: string | null }>(sql`select * from comments`);
    const id = await lastCommentId(probe);
    const row = rows.find((c) => c.id === id);
    expect(row?.author_key_hash).toBe(hashAuthorKey(res.body.author_key));
    expect(JSON.stringify(rows)).not.toContain(res.body.author_key);
  });

  it('answers someone with a known e-mail but without its key exactly as a first-time author', async () => {
    const article = await createPublishedArticle(services);
    await approvedAuthor(article.slug, 'victim@example.com');

    const impostors = [
      await postComment(api, article.slug, { author_email: 'victim@example.com', body: 'I am the victim' }),
      await postComment(api, article.slug, {
        author_email: 'victim@example.com',
        body: 'I am the victim, with a key',
        author_key: 'x'.repeat(43),
      }),
    ];
    const newcomers = [
      await postComment(api, article.slug, { author_email: 'newcomer@example.com', body: 'Hello' }),
      await postComment(api, article.slug, {
        author_email: 'newcomer2@example.com',
        body: 'Hello, with a key',
        author_key: 'x'.repeat(43),
      }),
    ];
    expect(impostors.map((r) => [r.status, r.body])).toEqual([
      [202, { status: 'pending', author_key: expect.stringMatching(AUTHOR_KEY) }],
      [202, { status: 'pending', author_key: 'x'.repeat(43) }],
    ]);
    expect(newcomers.map((r) => [r.status, r.body])).toEqual([
      [202, { status: 'pending', author_key: expect.stringMatching(AUTHOR_KEY) }],
      [202, { status: 'pending', author_key: 'x'.repeat(43) }],
    ]);
    for (const [i, impostor] of impostors.entries()) {
      expect(Object.keys(impostor.headers).sort()).toEqual(Object.keys(newcomers[i]?.headers ?? {}).sort());
    }
    const held = await services.moderation.queue({ status: 'pending', article: article.id, limit: 100 });
    expect(held.data.filter((c) => c.author_email === 'victim@example.com')).toHaveLength(2);
  });

  it('does not take a key that belongs to another e-mail', async () => {
    const article = await createPublishedArticle(services);
    const key = await approvedAuthor(article.slug, 'owner@example.com');
    const res = await postComment(api, article.slug, { author_email: 'thief@example.com', author_key: key });
    expect(res.body).toEqual({ status: 'pending', author_key: key });
  });

  it('does not count a key whose only comments wait, or were rejected', async () => {
    const article = await createPublishedArticle(services);
    const first = await postComment(api, article.slug, { author_email: 'waiting@example.com' });
    const key = first.body.author_key as string;
    const again = await postComment(api, article.slug, { author_email: 'waiting@example.com', author_key: key });
    expect(again.body.status).toBe('pending');
    await services.moderation.moderate(await lastCommentId(probe), { status: 'rejected' }, 'test');
    const third = await postComment(api, article.slug, { author_email: 'waiting@example.com', author_key: key });
    expect(third.body.status).toBe('pending');
  });

  it('still holds a known author whose comment trips another rule', async () => {
    const article = await createPublishedArticle(services);
    const key = await approvedAuthor(article.slug, 'linker@example.com');
    const links = 'https://a.example https://b.example https://c.example';
    const res = await postComment(api, article.slug, {
      author_email: 'linker@example.com',
      body: links,
      author_key: key,
    });
    expect(res.body.status).toBe('pending');
    expect((await services.moderation.get(await lastCommentId(probe))).reasons).toEqual([
      { rule: 'links', detail: '3 links, more than 2' },
      { rule: 'known_author', detail: 'an earlier comment with this e-mail and author key was approved' },
    ]);
  });

  it('refuses a malformed author key with 400, storing nothing', async () => {
    const article = await createPublishedArticle(services);
    const before = await lastCommentId(probe);
    const res = await postComment(api, article.slug, { author_key: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ in: 'body', path: 'author_key', message: 'must be 32 to 128 letters, digits, - or _' }),
    ]);
    expect(await lastCommentId(probe)).toBe(before);
  });
});
