import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../../helpers/factories.js';
import { lastCommentId, postComment } from './support.js';

const { api, services, probe } = await buildTestApp({
  config: { TRUST_PROXY: true, COMMENTS_AUTO_APPROVE_KNOWN: true },
});

describe('privacy', () => {
  it('never shows an e-mail, IP address, reason or moderation note in a public response', async () => {
    const moderator = await createToken(services, 'moderator');
    const article = await createPublishedArticle(services, { tags: ['privacy'] });
    const marker = randomUUID().slice(0, 8);
    const secrets: string[] = [];
    const responses: unknown[] = [];
    const keys: string[] = [];
    const post = async (overrides: Parameters<typeof postComment>[2], ip: string) => {
      const email = `secret-${marker}-${secrets.length}@private.example`;
      secrets.push(email, ip);
      const res = await postComment(api, article.slug, { author_email: email, ...overrides }, ip);
      responses.push(res.body, res.headers);
      keys.push(res.body.author_key);
      return await lastCommentId(probe);
    };

    const approved = await post({}, '192.0.2.201');
    const note = `note-${marker}`;
    secrets.push(note);
    await api
      .patch(`/v1/comments/${approved}`)
      .set('authorization', moderator.header)
      .send({ status: 'approved', note });
    await post({ parent_id: approved, body: 'https://1.example https://2.example https://3.example' }, '192.0.2.202');
    await post({ website: 'bot' }, '192.0.2.203');
    const known = `secret-${marker}-0@private.example`;
    const back = { author_email: known, body: 'Back again', author_key: keys[0] ?? '' };
    const second = await postComment(api, article.slug, back, '192.0.2.204');
    expect(second.body.status).toBe('approved');
    responses.push(second.body);
    const duplicate = await postComment(api, article.slug, back, '192.0.2.204');
    expect(duplicate.status).toBe(202);
    responses.push(duplicate.body);
    secrets.push('192.0.2.204', 'honeypot', 'known_author', 'links, more than');

    for (const path of [
      '/v1/articles',
      `/v1/articles/${article.slug}`,
      `/v1/articles/${article.slug}/comments`,
      '/v1/tags',
      '/v1/tags/privacy',
      '/v1/credits',
    ]) {
      const res = await api.get(path);
      expect(res.status, path).toBe(200);
      responses.push(res.body, res.headers);
      // An author key is handed to its author alone, in the receipt; no read shows it.
      for (const key of keys) expect(JSON.stringify(res.body), path).not.toContain(key);
    }
    const thread = await api.get(`/v1/articles/${article.slug}/comments`);
    expect(thread.body.data).toHaveLength(2);

    const published = JSON.stringify(responses).toLowerCase();
    for (const secret of secrets) expect(published, secret).not.toContain(secret.toLowerCase());
    expect(published).not.toContain(`@private.example`);
  });
});
