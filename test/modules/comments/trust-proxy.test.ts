import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';
import { lastCommentId, postComment } from './support.js';

const { api, services, probe } = await buildTestApp({
  config: { COMMENTS_BLOCKLIST_IPS: ['203.0.113.0/24', '127.0.0.1', '::1'] },
});

describe('client address without TRUST_PROXY', () => {
  it('ignores X-Forwarded-For and judges the connecting address', async () => {
    const article = await createPublishedArticle(services);
    await postComment(api, article.slug, {}, '198.51.100.1').expect(202);
    const stored = await services.moderation.get(await lastCommentId(probe));
    expect(stored.status).toBe('spam');
    expect(stored.reasons).toEqual([
      { rule: 'blocked_ip', detail: expect.stringMatching(/^IP address matches (127\.0\.0\.1|::1)$/) },
    ]);
  });
});
