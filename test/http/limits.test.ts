import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { loggerOptions } from '../../src/http/logging.js';
import { buildTestApp } from '../helpers/build-app.js';
import { openTestEngine } from '../helpers/engine.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

const { api, services, probe } = await buildTestApp({
  config: { BODY_LIMIT_BYTES: 4096, RATE_LIMIT_MAX: 3, RATE_LIMIT_WINDOW_S: 60, COMMENTS_FLOOD_WINDOW_S: 0 },
});
const article = await createPublishedArticle(services);
const commentsPath = `/v1/articles/${article.slug}/comments`;
const countComments = async () =>
  Number((await probe.rows<{ n: number }>(sql`select count(*) as n from comments`))[0]?.n);
const comment = (n: number) => ({ author_name: 'Reader', author_email: `r${n}@example.org`, body: `Comment ${n}` });

describe('request limits', () => {
  it('answers a body over BODY_LIMIT_BYTES with a 413 problem and stores nothing', async () => {
    const before = await countComments();
    const res = await api
      .post(commentsPath)
      .send({ ...comment(0), body: 'x'.repeat(5000) })
      .expect(413);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({ status: 413, code: 'payload_too_large', title: 'Payload too large' });
    expect(await countComments()).toBe(before);
  });

  it('answers a body that is not JSON with a 415 problem', async () => {
    const res = await api.post(commentsPath).set('Content-Type', 'text/plain').send('hello').expect(415);
    expect(res.body).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await api
      .post(commentsPath)
      .set('Content-Type', 'application/json')
      .send('{"author_name":')
      .expect(400);
    expect(res.body).toMatchObject({ status: 400, code: 'bad_request', detail: 'The request body is not valid JSON' });
  });
});

describe('write rate limits', () => {
  it('allows RATE_LIMIT_MAX writes per client per window, then answers 429 with RateLimit headers', async () => {
    const moderator = await createToken(services, 'moderator');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof api.post>> | undefined;
    for (let n = 1; n <= 4; n++) {
      last = await api.post(commentsPath).send(comment(n));
      statuses.push(last.status);
    }
    // Requests refused while parsing (the 413, 415 and 400 above) never reach the limiter.
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(last?.headers['ratelimit-limit']).toBe('3');
    expect(last?.headers['ratelimit-remaining']).toBe('0');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(last?.body).toMatchObject({ status: 429, code: 'too_many_requests' });
    // Another client (a token) has its own budget, and reads are never limited.
    const withToken = await api
      .patch('/v1/comments/999999')
      .set('Authorization', moderator.header)
      .send({ status: 'approved' });
    expect(withToken.status).toBe(404);
    expect(withToken.headers['ratelimit-remaining']).toBe('2');
    await api.get(commentsPath).expect(200);
  });
});

describe('logs', () => {
  it('never carry a token or a reader’s e-mail', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const database = await openTestEngine();
    const app = await buildApp({
      config: defaultConfig({ RATE_LIMIT_MAX: 0 }),
      engine: database.engine,
      logger: loggerOptions('trace', stream),
    });
    await app.ready();
    await app.inject({
      method: 'POST',
      url: '/v1/articles/nope/comments',
      headers: { authorization: 'Bearer fjord_secretsecretsecretsecretsecretsecretsecret1' },
      payload: { author_name: 'Eve', author_email: 'hidden.reader@example.org', body: 'hi' },
    });
    await app.inject({ method: 'GET', url: '/v1/preview/previewtokenpreviewtokenpreviewtoken0123456?utm=1' });
    await app.close();
    await database.close();
    const log = lines.join('');
    expect(log).toContain('incoming request');
    expect(log).not.toContain('secretsecret');
    expect(log).not.toContain('hidden.reader@example.org');
    // A preview link opens a draft to whoever holds it: its token is censored in the logged URL.
    expect(log).not.toContain('previewtoken');
    expect(log).toContain('"url":"/v1/preview/[redacted]?utm=1"');
  });
});
