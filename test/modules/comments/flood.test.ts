import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';
import { postComment } from './support.js';

const clock = testClock();
const { api, services } = await buildTestApp({
  clock,
  config: { TRUST_PROXY: true, COMMENTS_FLOOD_MAX: 3, COMMENTS_FLOOD_WINDOW_S: 60 },
});
const article = await createPublishedArticle(services);

describe('flood limit', () => {
  it('refuses the comment beyond the limit from one IP with 429 and Retry-After, until the window passes', async () => {
    const ip = '192.0.2.10';
    for (let i = 0; i < 3; i++) {
      expect((await postComment(api, article.slug, {}, ip)).status).toBe(202);
      clock.advance(10_000);
    }
    const refused = await postComment(api, article.slug, {}, ip);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      status: 429,
      code: 'too_many_requests',
      detail: 'Too many comments in a short time: at most 3 in 60 seconds',
    });
    clock.advance(29_000);
    expect((await postComment(api, article.slug, {}, ip)).headers['retry-after']).toBe('1');
    clock.advance(1_000);
    expect((await postComment(api, article.slug, {}, ip)).status).toBe(202);
  });

  it('refuses the comment beyond the limit from one e-mail, whatever the address', async () => {
    clock.advance(120_000);
    const author = { author_email: 'busy@example.com' };
    for (let i = 0; i < 3; i++) expect((await postComment(api, article.slug, author)).status).toBe(202);
    const refused = await postComment(api, article.slug, { author_email: 'BUSY@example.com' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
  });

  it('stores nothing for a refused comment', async () => {
    clock.advance(120_000);
    const ip = '192.0.2.20';
    for (let i = 0; i < 3; i++) await postComment(api, article.slug, {}, ip);
    const before = await services.moderation.queue({ status: 'all', article: article.id, limit: 100 });
    expect((await postComment(api, article.slug, {}, ip)).status).toBe(429);
    const after = await services.moderation.queue({ status: 'all', article: article.id, limit: 100 });
    expect(after.data).toHaveLength(before.data.length);
  });
});
