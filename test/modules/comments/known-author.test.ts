import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createPublishedArticle } from '../../helpers/factories.js';
import { postComment } from './support.js';

const { api, services } = await buildTestApp({ config: { TRUST_PROXY: true, COMMENTS_AUTO_APPROVE_KNOWN: true } });

describe('COMMENTS_AUTO_APPROVE_KNOWN=true', () => {
  it('approves at once an author with an earlier approved comment, and says why', async () => {
    const article = await createPublishedArticle(services);
    const author = { author_email: 'regular@example.com' };
    const first = await postComment(api, article.slug, author);
    expect(first.body).toEqual({ id: expect.any(Number), status: 'pending' });
    expect((await services.moderation.get(first.body.id)).reasons).toEqual([
      { rule: 'first_comment', detail: 'no earlier approved comment by this e-mail' },
    ]);
    await services.moderation.moderate(first.body.id, { status: 'approved' }, 'test');

    const second = await postComment(api, article.slug, { ...author, author_email: 'Regular@Example.com' });
    expect(second.body).toEqual({ id: expect.any(Number), status: 'approved' });
    expect(await services.moderation.get(second.body.id)).toMatchObject({
      status: 'approved',
      reasons: [{ rule: 'known_author', detail: 'an earlier comment by this e-mail was approved' }],
      moderation_log: [{ actor: 'system', from: null, to: 'approved', note: null }],
    });
    const article2 = await api.get(`/v1/articles/${article.slug}`);
    expect(article2.body.comment_count).toBe(2);
    const listed = await api.get(`/v1/articles/${article.slug}/comments`);
    expect(listed.body.data.map((c: { id: number }) => c.id)).toEqual([first.body.id, second.body.id]);
  });

  it('still holds a known author whose comment trips another rule', async () => {
    const article = await createPublishedArticle(services);
    const author = { author_email: 'linker@example.com' };
    const first = await postComment(api, article.slug, author);
    await services.moderation.moderate(first.body.id, { status: 'approved' }, 'test');
    const links = 'https://a.example https://b.example https://c.example';
    const res = await postComment(api, article.slug, { ...author, body: links });
    expect(res.body.status).toBe('pending');
    expect((await services.moderation.get(res.body.id)).reasons).toEqual([
      { rule: 'links', detail: '3 links, more than 2' },
      { rule: 'known_author', detail: 'an earlier comment by this e-mail was approved' },
    ]);
  });
});
