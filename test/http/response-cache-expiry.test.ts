import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../helpers/build-app.js';
import { createPublishedArticle } from '../helpers/factories.js';

const clock = testClock();
const { api, services } = await buildTestApp({ clock, config: { CACHE_MAX_AGE_S: 60 } });

describe('the response cache', () => {
  it('serves a public read for CACHE_MAX_AGE_S at most, then reads the database again', async () => {
    const article = await createPublishedArticle(services);
    const url = `/v1/articles/${article.slug}`;
    await api.get(url).expect(200);
    clock.advance(59_000);
    expect((await api.get(url).expect(200)).headers['x-cache']).toBe('hit');
    clock.advance(1_000);
    const fresh = await api.get(url).expect(200);
    expect(fresh.headers['x-cache']).toBeUndefined();
    expect((await api.get(url).expect(200)).headers['x-cache']).toBe('hit');
  });
});
