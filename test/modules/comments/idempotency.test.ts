import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';

const { api, services, sqlite } = await buildTestApp();
const article = await createPublishedArticle(services);
const comments = () => (sqlite.prepare('select count(*) as n from comments').get() as { n: number }).n;

describe('Idempotency-Key on a reader’s comment', () => {
  it('replays the first answer to a retry and stores the comment once', async () => {
    const post = (body: string) =>
      api
        .post(`/v1/articles/${article.slug}/comments`)
        .set('Idempotency-Key', 'form-submit-7')
        .send({ author_name: 'Aud', author_email: 'aud@example.no', body });
    const first = await post('Takk for artikkelen').expect(202);
    const retry = await post('Takk for artikkelen').expect(202);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(comments()).toBe(1);
    const other = await post('Another text').expect(422);
    expect(other.body.code).toBe('unprocessable');
    expect(comments()).toBe(1);
  });
});
