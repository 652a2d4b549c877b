import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderOpenApiYaml } from '../../src/openapi-document.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createToken } from '../helpers/factories.js';

type Operation = { 'x-access': string; responses: Record<string, unknown> };
const document = parse(await renderOpenApiYaml()) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    path,
    method,
    op,
    // A placeholder for every path parameter: each failure below happens before the parameters are read.
    url: path.replace(/\{\w+\}/g, '1'),
    where: `${method.toUpperCase()} ${path}`,
  })),
);
const writes = operations.filter(({ method }) => ['post', 'patch', 'delete'].includes(method));

// buildTestApp checks every response below against the document (test/helpers/contract.ts); these
// tests make sure each class of refusal is actually produced, once per operation.
const { api, services } = await buildTestApp({ config: { BODY_LIMIT_BYTES: 1024 } });
const admin = await createToken(services, 'admin');
const send = (method: string, url: string) =>
  api[method as 'get' | 'post' | 'patch' | 'delete'](url).set('X-Request-Id', 'contract-check');

describe('every operation', () => {
  it.each(operations)('$where refuses a bad bearer token with 401', async ({ method, url }) => {
    const res = await send(method, url).set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="fjord"');
    expect(res.headers['x-request-id']).toBe('contract-check');
  });

  it.each(operations.filter(({ op }) => op['x-access'] !== 'public'))(
    '$where refuses a request without a token with 401',
    async ({ method, url }) => {
      expect((await send(method, url)).status).toBe(401);
    },
  );

  it('declares 401, 500 and 503 on every operation', () => {
    for (const { where, op } of operations) {
      expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['401', '500', '503']));
    }
  });
});

describe('every write', () => {
  it.each(writes)('$where refuses malformed JSON with 400', async ({ method, url }) => {
    const res = await send(method, url)
      .set('Authorization', admin.header)
      .set('Content-Type', 'application/json')
      .send('{"title":');
    expect(res.status).toBe(400);
  });

  it.each(writes)('$where refuses a body that is not JSON with 415', async ({ method, url }) => {
    const res = await send(method, url).set('Authorization', admin.header).set('Content-Type', 'text/plain').send('hi');
    expect(res.status).toBe(415);
  });

  it.each(writes)('$where refuses a body over the limit with 413', async ({ method, url }) => {
    const res = await send(method, url)
      .set('Authorization', admin.header)
      .send({ title: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
  });

  it('declares 413, 415 and 429 on each', () => {
    for (const { where, op } of writes) {
      expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['400', '413', '415', '429']));
    }
  });
});

// A second app, since rate limits are off in the first (test/helpers/build-app.ts).
const limited = await buildTestApp({ config: { RATE_LIMIT_MAX: 1 } });
const editor = await createToken(limited.services, 'editor');

describe('the write rate limit', () => {
  it('answers 429 with Retry-After and the RateLimit headers the document declares', async () => {
    const write = () => limited.api.post('/v1/articles/none/unpublish').set('Authorization', editor.header);
    const first = await write();
    expect(first.status).toBe(404);
    expect(first.headers['ratelimit-limit']).toBe('1');
    const refused = await write();
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({
      'retry-after': expect.any(String),
      'ratelimit-limit': '1',
      'ratelimit-remaining': '0',
      'ratelimit-reset': expect.any(String),
    });
  });
});
