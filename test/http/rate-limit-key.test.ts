import { describe, expect, it } from 'vitest';
import { callerKey } from '../../src/http/access.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

const MADE_UP = 'Bearer fjord_madeupmadeupmadeupmadeupmadeupmadeupmadeu1';

const { api, services } = await buildTestApp({
  config: { RATE_LIMIT_MAX: 2, RATE_LIMIT_WINDOW_S: 60, COMMENTS_FLOOD_WINDOW_S: 0 },
});

describe('callerKey', () => {
  const hashIp = (ip: string) => `h(${ip})`;

  it('keys an authenticated request on its token id, whatever the header looked like', () => {
    const principal = { tokenId: 7, name: 'bot', role: 'editor' as const };
    expect(callerKey({ ip: '203.0.113.9', principal }, hashIp)).toBe('token:7');
  });

  it('keys an anonymous request on the hash of its address', () => {
    expect(callerKey({ ip: '203.0.113.9', principal: null }, hashIp)).toBe('ip:h(203.0.113.9)');
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
    const first = await api.post(path).send(comment(1));
    const garbage = await api.post(path).set('Authorization', MADE_UP).send(comment(2));
    const anonymous = await api.post(path).send(comment(3));
    expect([first.status, garbage.status, anonymous.status]).toEqual([202, 401, 429]);
    expect(anonymous.body).toMatchObject({ status: 429, code: 'too_many_requests' });
  });
});

describe('writes refused for want of a valid token', () => {
  it('spend the address budget, so guessing tokens is limited like writing', async () => {
    const guesser = await buildTestApp({ config: { RATE_LIMIT_MAX: 2, RATE_LIMIT_WINDOW_S: 60 } });
    const guess = (n: number) =>
      guesser.api
        .patch('/v1/comments/1')
        .set('Authorization', `Bearer fjord_${String(n).repeat(43).slice(0, 43)}`)
        .send({ status: 'approved' });
    const statuses = [(await guess(1)).status, (await guess(2)).status];
    const refused = await guess(3);
    statuses.push(refused.status);
    expect(statuses).toEqual([401, 401, 429]);
    expect(refused.headers['retry-after']).toEqual(expect.any(String));
    expect(refused.body).toEqual({
      type: '/problems/too_many_requests',
      title: 'Too many requests',
      status: 429,
      code: 'too_many_requests',
      detail: expect.stringMatching(/^More than 2 writes in 60 s; retry after \d+ s$/),
      instance: '/v1/comments/1',
      request_id: refused.headers['x-request-id'],
    });
  });

  it('spend it when an editor route is called with no token at all', async () => {
    const anonymous = await buildTestApp({ config: { RATE_LIMIT_MAX: 2, RATE_LIMIT_WINDOW_S: 60 } });
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++) statuses.push((await anonymous.api.post('/v1/articles').send({})).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('leave reads alone: a refused read spends no write budget', async () => {
    const reader = await buildTestApp({ config: { RATE_LIMIT_MAX: 1, RATE_LIMIT_WINDOW_S: 60 } });
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++)
      statuses.push((await reader.api.get('/v1/articles').set('Authorization', MADE_UP)).status);
    expect(statuses).toEqual([401, 401, 401]);
    expect((await reader.api.post('/v1/articles').send({})).status).toBe(401);
  });
});

describe('the address hasher', () => {
  it('is the one the app was given: the write limit keys addresses with services.hashIp', async () => {
    let calls = 0;
    // A hasher that never gives the same key twice: a limiter using it never sees a repeat caller.
    const { api: fresh, services: given } = await buildTestApp({
      config: { RATE_LIMIT_MAX: 1, RATE_LIMIT_WINDOW_S: 60, COMMENTS_FLOOD_WINDOW_S: 0 },
      adapt: (built) => ({ ...built, hashIp: (ip: string) => `${ip}#${calls++}` }),
    });
    const article = await createPublishedArticle(given);
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++) {
      const res = await fresh
        .post(`/v1/articles/${article.slug}/comments`)
        .send({ author_name: 'Reader', author_email: `h${n}@example.org`, body: `Note ${n}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 202, 202]);
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});
