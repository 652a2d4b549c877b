/**
 * Input neither engine could store or compare is refused the same way on both, before any lookup:
 * a NUL character in a path or query value, and an id or revision number past 32 bits.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = (await createToken(services, 'editor')).header;
const moderator = (await createToken(services, 'moderator')).header;
const article = await createPublishedArticle(services, { title: 'Stockage' });

const problem = (detail: string, instance: string, errors: unknown[]) => ({
  type: '/problems/validation_failed',
  title: 'Validation failed',
  status: 400,
  detail,
  instance,
  code: 'validation_failed',
  request_id: expect.any(String),
  errors,
});

describe('a NUL character', () => {
  it('in a path value is a 400 naming the parameter, not a lookup', async () => {
    const res = await api.get('/v1/tags/a%00b').expect(400);
    expect(res.body).toEqual(
      problem('Invalid params: slug', '/v1/tags/a%00b', [
        { in: 'params', path: 'slug', message: 'must not contain the NUL character (%00)' },
      ]),
    );
    await api.delete('/v1/tags/a%00b').set('authorization', editor).expect(400);
    await api.post('/v1/articles/%00/unpublish').set('authorization', editor).send({}).expect(400);
  });

  it('in a query value is a 400 naming the parameter', async () => {
    const res = await api.get('/v1/articles?tag=a%00').expect(400);
    expect(res.body.errors).toEqual([
      { in: 'query', path: 'tag', message: 'must not contain the NUL character (%00)' },
    ]);
  });
});

describe('an id or revision number past 32 bits', () => {
  it('is refused where it is sent: path, body or list', async () => {
    const big = 2_147_483_648;
    const path = await api.get(`/v1/comments/${big}`).set('authorization', moderator).expect(400);
    expect(path.body.errors).toEqual([{ in: 'params', path: 'id', message: 'must be at most 2147483647' }]);
    const revision = await api
      .post(`/v1/articles/${article.id}/publish`)
      .set('authorization', editor)
      .send({ revision: Number.MAX_SAFE_INTEGER })
      .expect(400);
    expect(revision.body.errors).toEqual([{ in: 'body', path: 'revision', message: 'must be at most 2147483647' }]);
    const list = await api
      .post('/v1/comments/moderate')
      .set('authorization', moderator)
      .send({ ids: [big], status: 'approved' })
      .expect(400);
    expect(list.body.errors).toEqual([{ in: 'body', path: 'ids.0', message: 'must be at most 2147483647' }]);
    await api.get(`/v1/articles/${article.id}/revisions/${big}`).set('authorization', editor).expect(400);
  });

  it('is the largest id that still answers as not found', async () => {
    await api.get('/v1/comments/2147483647').set('authorization', moderator).expect(404);
    await api.get(`/v1/articles/${article.id}/revisions/2147483647`).set('authorization', editor).expect(404);
  });

  it('in an If-Match ETag names no version: 412', async () => {
    const res = await api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('authorization', editor)
      .set('if-match', '"r2147483648.AAAAAAAAAAAAAAAA.x"')
      .send({ title: 'x' })
      .expect(412);
    expect(res.body.detail).toBe(
      'If-Match names no version of this article; send the ETag of GET /v1/articles/{article}',
    );
  });
});
