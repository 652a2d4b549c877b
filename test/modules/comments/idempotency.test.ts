import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';

const { api, services, probe } = await buildTestApp();
const article = await createPublishedArticle(services);
const comments = async () => (await probe.rows<{ n: number }>(sql`select count(*) as n from comments`))[0]?.n;

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
    expect(await comments()).toBe(1);
    const other = await post('Another text').expect(422);
    expect(other.body.code).toBe('unprocessable');
    expect(await comments()).toBe(1);
  });
});

describe('Idempotency-Key on a refused comment', () => {
  it('keeps no refusal for an anonymous caller: the retry runs again and is accepted once the cause is gone', async () => {
    const closed = await createPublishedArticle(services, { comments_open: false });
    const post = () =>
      api
        .post(`/v1/articles/${closed.slug}/comments`)
        .set('Idempotency-Key', 'form-submit-8')
        .send({ author_name: 'Aud', author_email: 'aud2@example.no', body: 'Endelig åpent' });
    const refused = await post().expect(403);
    expect(refused.headers['idempotent-replayed']).toBeUndefined();
    expect((await probe.rows(sql`select count(*) as n from idempotency_keys where key = 'form-submit-8'`))[0]).toEqual({
      n: 0,
    });
    await services.editor.setCommentsOpen(closed.id, true, { name: 'test', tokenId: null });
    const accepted = await post().expect(202);
    expect(accepted.headers['idempotent-replayed']).toBeUndefined();
    expect((await post().expect(202)).headers['idempotent-replayed']).toBe('true');
  });

  it('does not replay a 404 to an anonymous caller', async () => {
    const post = () =>
      api
        .post('/v1/articles/not-yet-here/comments')
        .set('Idempotency-Key', 'form-submit-9')
        .send({ author_name: 'Aud', author_email: 'aud3@example.no', body: 'Hei' });
    await post().expect(404);
    const again = await post().expect(404);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });
});
