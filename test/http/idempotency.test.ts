import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../src/http/error-handler.js';
import { registerIdempotency, remembersAnswer } from '../../src/http/idempotency.js';
import { createIpHasher } from '../../src/shared/ip-hash.js';
import { buildTestApp } from '../helpers/build-app.js';
import { openTestEngine } from '../helpers/engine.js';
import { articleInput, createDraftArticle, createToken } from '../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor', 'Ada');
const other = await createToken(services, 'editor', 'Bob');

const post = (url: string, body: object, key: string, token = editor) =>
  api.post(url).set('authorization', token.header).set('idempotency-key', key).send(body);

async function revisionCount(id: string) {
  const res = await api.get(`/v1/articles/${id}/revisions`).set('authorization', editor.header);
  return res.body.data.length as number;
}

describe('Idempotency-Key', () => {
  it('replays the first response of POST /v1/articles without creating a second article', async () => {
    const body = articleInput({ title: 'Created once' });
    const first = await post('/v1/articles', body, 'create-1');
    const retry = await post('/v1/articles', body, 'create-1');
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const list = await api.get('/v1/articles?limit=100').set('authorization', editor.header);
    expect(list.body.data.filter((a: { title: string }) => a.title === 'Created once')).toHaveLength(1);
  });

  it('answers 422 when the same key comes with another body, and writes nothing', async () => {
    const article = await createDraftArticle(services);
    await post(`/v1/articles/${article.id}/revisions`, { base_revision: 1, title: 'First' }, 'rev-1');
    const res = await post(`/v1/articles/${article.id}/revisions`, { base_revision: 1, title: 'Other' }, 'rev-1');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'unprocessable', status: 422 });
    expect(await revisionCount(article.id)).toBe(2);
  });

  it('writes a revision once when the same request arrives twice at the same time', async () => {
    const article = await createDraftArticle(services);
    const body = { base_revision: 1, body: 'Sent twice' };
    const [a, b] = await Promise.all([
      post(`/v1/articles/${article.id}/revisions`, body, 'dup-1'),
      post(`/v1/articles/${article.id}/revisions`, body, 'dup-1'),
    ]);
    // The duplicate either replays the finished first attempt or is told the first is still running.
    for (const res of [a, b]) {
      expect([201, 409]).toContain(res.status);
      if (res.status === 201) expect(res.body.revision).toBe(2);
    }
    expect(await revisionCount(article.id)).toBe(2);
    const retry = await post(`/v1/articles/${article.id}/revisions`, body, 'dup-1');
    expect(retry.status).toBe(201);
    expect(retry.body.revision).toBe(2);
  });

  it('replays restore and publish too', async () => {
    const article = await createDraftArticle(services, { title: 'R1' });
    await api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: 1, title: 'R2' });
    const restore = () => post(`/v1/articles/${article.id}/revisions/1/restore`, { base_revision: 2 }, 'restore-1');
    expect((await restore()).body.revision).toBe(3);
    expect((await restore()).body.revision).toBe(3);
    expect(await revisionCount(article.id)).toBe(3);
    const publish = () => post(`/v1/articles/${article.id}/publish`, { revision: 3 }, 'publish-1');
    expect((await publish()).status).toBe(200);
    expect((await publish()).headers['idempotent-replayed']).toBe('true');
  });

  it('keeps keys apart per token', async () => {
    const first = await post('/v1/articles', articleInput({ title: 'Ada’s' }), 'shared-key');
    const second = await post('/v1/articles', articleInput({ title: 'Bob’s' }), 'shared-key', other);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('replays a token holder’s 4xx, as the result of the key', async () => {
    const first = await post('/v1/articles/no-such-article/publish', {}, 'publish-missing');
    const retry = await post('/v1/articles/no-such-article/publish', {}, 'publish-missing');
    expect([first.status, retry.status]).toEqual([404, 404]);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses a malformed key with 400', async () => {
    const res = await post('/v1/articles', articleInput(), 'x'.repeat(300));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ in: 'headers', path: 'idempotency-key' });
  });
});

describe('remembersAnswer', () => {
  it('keeps only successes for anonymous callers', () => {
    expect([200, 201, 202, 204, 400, 403, 404, 409, 429, 500].filter((s) => remembersAnswer(s, 'anonymous'))).toEqual([
      200, 201, 202, 204,
    ]);
  });

  it('keeps successes and refusals for token holders, but never a 429 or a 5xx', () => {
    expect([201, 400, 404, 409, 412, 422, 429, 500, 503].filter((s) => remembersAnswer(s, 'token'))).toEqual([
      201, 400, 404, 409, 412, 422,
    ]);
  });
});

describe('Idempotency-Key for anonymous callers', () => {
  it('keys anonymous retries by address, so a reader route can opt in with config.idempotent', async () => {
    const database = await openTestEngine();
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    registerErrorHandling(app);
    app.decorateRequest('principal', null);
    registerIdempotency(app, {
      repo: database.engine.store.idempotency,
      clock: { now: () => Date.now() },
      hashIp: createIpHasher('k'.repeat(32)),
    });
    let writes = 0;
    app.post('/comments', { config: { access: 'public', idempotent: true } }, async (_request, reply) =>
      reply.code(202).send({ id: ++writes, status: 'pending' }),
    );
    try {
      const send = (body: object) =>
        app.inject({ method: 'POST', url: '/comments', payload: body, headers: { 'idempotency-key': 'reader-1' } });
      const first = await send({ body: 'Hello' });
      const retry = await send({ body: 'Hello' });
      const changed = await send({ body: 'Changed' });
      expect([first.statusCode, retry.statusCode, changed.statusCode]).toEqual([202, 202, 422]);
      expect(retry.json()).toEqual({ id: 1, status: 'pending' });
      expect(writes).toBe(1);
      // The reader's address is kept only as a keyed hash.
      expect(await database.probe.rows(sql`select scope from idempotency_keys`)).toEqual([
        { scope: expect.stringMatching(/^ip:[0-9a-f]{64}$/) },
      ]);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
