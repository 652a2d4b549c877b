import { describe, expect, it } from 'vitest';
import { rateLimitKey } from '../../src/http/hardening.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

const { api, services } = await buildTestApp({
  config: { RATE_LIMIT_MAX: 2, RATE_LIMIT_WINDOW_S: 60, COMMENTS_FLOOD_WINDOW_S: 0 },
});

describe('rateLimitKey', () => {
  const hashIp = (ip: string) => `h(${ip})`;

  it('keys an authenticated request on its token id, whatever the header looked like', () => {
    const principal = { tokenId: 7, name: 'bot', role: 'editor' as const };
    expect(rateLimitKey({ ip: '203.0.113.9', principal }, hashIp)).toBe('token:7');
  });

  it('keys an anonymous request on the hash of its address', () => {
    expect(rateLimitKey({ ip: '203.0.113.9', principal: null }, hashIp)).toBe('ip:h(203.0.113.9)');
  });
});

describe('write rate limit', () => {
  it('gives every spelling of one token the same budget', async () => {
    const { secret } = await createToken(services, 'moderator');
    const spellings = [
      `Bearer ${secret}`,
      `bearer ${secret}`,
      `BEARER ${secret}`,
      `Bearer  ${secret}`,
      `Bearer ${secret} `,
    ];
    const statuses: number[] = [];
    for (const header of spellings) {
      const res = await api.patch('/v1/comments/999999').set('Authorization', header).send({ status: 'approved' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 429, 429, 429]);
  });

  it('gives each token its own budget', async () => {
    const other = await createToken(services, 'moderator');
    const res = await api.patch('/v1/comments/999999').set('Authorization', other.header).send({ status: 'approved' });
    expect(res.status).toBe(404);
    expect(res.headers['ratelimit-remaining']).toBe('1');
  });

  it('never lets a made-up token buy an anonymous caller a fresh budget', async () => {
    const article = await createPublishedArticle(services);
    const path = `/v1/articles/${article.slug}/comments`;
    const comment = (n: number) => ({ author_name: 'Reader', author_email: `k${n}@example.org`, body: `Note ${n}` });
    await api.post(path).send(comment(1)).expect(202);
    await api.post(path).send(comment(2)).expect(202);
    const garbage = await api
      .post(path)
      .set('Authorization', 'Bearer fjord_madeupmadeupmadeupmadeupmadeupmadeupmadeu1')
      .send(comment(3));
    expect(garbage.status).toBe(401);
    const anonymous = await api.post(path).send(comment(4));
    expect(anonymous.status).toBe(429);
    expect(anonymous.body).toMatchObject({ status: 429, code: 'too_many_requests' });
  });
});
