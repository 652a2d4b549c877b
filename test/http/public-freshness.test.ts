/**
 * Every write that changes public content is visible to the very next anonymous read, although
 * those reads are answered from the response cache: each path below would serve stale bytes if its
 * write did not purge. The search index follows the same writes.
 */
import { describe, expect, it } from 'vitest';
import { SurrogateKeys } from '../../src/shared/changes.js';
import { buildTestApp, testClock } from '../helpers/build-app.js';
import { createToken } from '../helpers/factories.js';

const clock = testClock(Date.parse('2026-03-01T09:00:00.000Z'));
const { api, services } = await buildTestApp({ clock });
const editor = await createToken(services, 'editor');
const admin = await createToken(services, 'admin');

const send = (method: 'post' | 'patch' | 'delete', url: string, body: object = {}, token = editor) =>
  api[method](url).set('authorization', token.header).send(body);

/** Reads twice, so the second read is the cached one: what a reader after the write would get. */
async function read(url: string) {
  await api.get(url);
  return api.get(url);
}

async function publishedArticle(title: string, tags: string[] = []) {
  const created = await send('post', '/v1/articles', { title, lang: 'fr', body: `Corps de ${title}`, tags });
  await send('post', `/v1/articles/${created.body.id}/publish`).expect(200);
  return created.body as { id: string; slug: string };
}

const searchSlugs = async (q: string) =>
  (await read(`/v1/articles?q=${encodeURIComponent(q)}`)).body.data.map((a: { slug: string }) => a.slug);

describe('public reads after writes', () => {
  it('a draft revision of a published article changes nothing a reader sees, to the byte', async () => {
    const article = await publishedArticle('Stable');
    const before = await read(`/v1/articles/${article.slug}`);
    clock.advance(60_000);
    await send('post', `/v1/articles/${article.id}/revisions`, { base_revision: 1, title: 'Brouillon secret' }).expect(
      201,
    );
    // Dropping the cached entry makes this read reach the database.
    services.changes.emit([SurrogateKeys.article(article.id)]);
    const after = await api.get(`/v1/articles/${article.slug}`);
    expect(after.headers['x-cache']).toBeUndefined();
    expect(after.text).toBe(before.text);
    expect(await searchSlugs('brouillon')).toEqual([]);
  });

  it('publishing a new revision shows it, in the article, the lists and the search index', async () => {
    const article = await publishedArticle('Premier titre');
    expect((await read(`/v1/articles/${article.slug}`)).body.title).toBe('Premier titre');
    await read('/v1/articles');
    await send('post', `/v1/articles/${article.id}/revisions`, { base_revision: 1, body: 'Texte sur les aurores' });
    await send('post', `/v1/articles/${article.id}/publish`).expect(200);
    const now = await api.get(`/v1/articles/${article.slug}`);
    expect(now.body).toMatchObject({ revision: 2, body: 'Texte sur les aurores' });
    expect(await searchSlugs('aurores')).toEqual([article.slug]);
  });

  it('unpublishing removes the article from its URL, the lists, its tag and the search index', async () => {
    const article = await publishedArticle('Retiré bientôt', ['Éphémère']);
    await read(`/v1/articles/${article.slug}`);
    await read('/v1/tags/ephemere');
    expect(await searchSlugs('bientôt')).toEqual([article.slug]);
    await send('post', `/v1/articles/${article.id}/unpublish`).expect(200);
    await api.get(`/v1/articles/${article.slug}`).expect(404);
    // The tag no published article carries any more is gone from the public, not cached with its old count.
    expect((await api.get('/v1/tags/ephemere')).status).toBe(404);
    expect((await api.get('/v1/articles?tag=ephemere')).body.data).toEqual([]);
    expect(await searchSlugs('bientôt')).toEqual([]);
  });

  it('archiving does the same', async () => {
    const article = await publishedArticle('Archivé demain');
    await read(`/v1/articles/${article.slug}`);
    await send('delete', `/v1/articles/${article.id}`, {}, admin).expect(204);
    await api.get(`/v1/articles/${article.slug}`).expect(404);
    expect(await searchSlugs('archivé')).toEqual([]);
  });

  it('a scheduled publication appears on its own when it comes due, cache and index included', async () => {
    const created = await send('post', '/v1/articles', { title: 'Programmé', lang: 'fr', body: 'Lumière boréale' });
    const at = new Date(clock.now() + 3_600_000).toISOString();
    await send('post', `/v1/articles/${created.body.id}/publish`, { at }).expect(200);
    await read('/v1/articles');
    await api.get(`/v1/articles/${created.body.slug}`).expect(404);
    expect(await searchSlugs('boréale')).toEqual([]);
    clock.advance(3_600_000);
    const list = await api.get('/v1/articles');
    expect(list.body.data.map((a: { slug: string }) => a.slug)).toContain(created.body.slug);
    await api.get(`/v1/articles/${created.body.slug}`).expect(200);
    expect(await searchSlugs('boréale')).toEqual([created.body.slug]);
  });

  it('closing comments shows at once in the article', async () => {
    const article = await publishedArticle('Commentaires');
    expect((await read(`/v1/articles/${article.slug}`)).body.comments_open).toBe(true);
    await send('patch', `/v1/articles/${article.id}`, { comments_open: false }).expect(200);
    expect((await api.get(`/v1/articles/${article.slug}`)).body.comments_open).toBe(false);
  });

  it('renaming a tag shows in every article that carries it, and in the lists', async () => {
    const article = await publishedArticle('Étiqueté', ['Ancien nom']);
    await read(`/v1/articles/${article.slug}`);
    await read('/v1/articles');
    await send('patch', '/v1/tags/ancien-nom', { name: 'Nouveau nom' }).expect(200);
    expect((await api.get(`/v1/articles/${article.slug}`)).body.tags).toEqual([
      { slug: 'ancien-nom', name: 'Nouveau nom' },
    ]);
    const teaser = (await api.get('/v1/articles')).body.data.find((a: { slug: string }) => a.slug === article.slug);
    expect(teaser.tags).toEqual([{ slug: 'ancien-nom', name: 'Nouveau nom' }]);
    expect((await api.get('/v1/tags/ancien-nom')).body.name).toBe('Nouveau nom');
  });

  it('renaming a credit shows in every article that carries it', async () => {
    const created = await send('post', '/v1/articles', {
      title: 'Crédité',
      lang: 'fr',
      body: 'x',
      credits: [{ role: 'image', name: 'Photographe', organization: 'Agence' }],
    });
    await send('post', `/v1/articles/${created.body.id}/publish`).expect(200);
    const before = await read(`/v1/articles/${created.body.slug}`);
    const creditId = before.body.credits[0].id;
    await read(`/v1/credits/${creditId}`);
    await send('patch', `/v1/credits/${creditId}`, { name: 'Photographe renommée' }).expect(200);
    expect((await api.get(`/v1/articles/${created.body.slug}`)).body.credits[0].name).toBe('Photographe renommée');
    expect((await api.get(`/v1/credits/${creditId}`)).body.name).toBe('Photographe renommée');
  });
});
