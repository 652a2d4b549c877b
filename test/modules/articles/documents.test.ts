/**
 * Published articles are served from documents rendered once (article_documents): the bytes and
 * ETags must be those serializing the article per request gave, every write a reader can see must
 * replace them in its own transaction, and a render of state a write replaced must never be kept.
 * The response cache is off here, so every read reaches the stored documents.
 */
import { serializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { seed } from '../../../seeds/index.js';
import { etagOf } from '../../../src/http/caching.js';
import { articleKeys, renderDocuments } from '../../../src/modules/articles/documents.js';
import { type ArticlePage, ArticlePageSchema, PublicArticleSchema } from '../../../src/modules/articles/schemas.js';
import { createArticlesService } from '../../../src/modules/articles/service.js';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { sql } from '../../helpers/engine.js';
import { articleInput, createPublishedArticle, createToken, TEST_ACTOR } from '../../helpers/factories.js';

const clock = testClock();
const { api, services, probe, engine } = await buildTestApp({ clock, config: { RESPONSE_CACHE_BYTES: 0 } });
const editor = await createToken(services, 'editor');

const serializeArticle = serializerCompiler({ schema: PublicArticleSchema, method: 'GET', url: '' });
const serializePage = serializerCompiler({ schema: ArticlePageSchema, method: 'GET', url: '' });

/** What GET /v1/articles/{name} answered before documents were stored: the article serialized per request. */
async function serialized(name: string) {
  const found = await services.articles.findPublished(name);
  if (!('article' in found)) throw new Error(`${name} redirects`);
  const body = serializeArticle(found.article);
  return { body, etag: etagOf(body), keys: articleKeys(found.article).join(' ') };
}

/** What GET /v1/articles answered before: the page serialized per request. */
async function serializedPage(query: { limit?: number; cursor?: string; tag?: string; lang?: string }) {
  const page: ArticlePage = await services.articles.listPublished({ limit: 20, ...query });
  const body = serializePage(page);
  return { body, etag: etagOf(body) };
}

/** Asserts the article is served byte for byte as serialized per request, on the render and from the stored document. */
async function expectServedAsSerialized(name: string) {
  const want = await serialized(name);
  for (const pass of ['rendered', 'stored']) {
    const res = await api.get(`/v1/articles/${name}`).set('accept-encoding', 'identity').expect(200);
    expect(res.text, pass).toBe(want.body);
    expect(res.headers.etag, pass).toBe(want.etag);
    expect(res.headers['surrogate-key'], pass).toBe(want.keys);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  }
  return want.body;
}

async function expectPageAsSerialized(path: string, query: Record<string, string | number> = {}) {
  const want = await serializedPage(query);
  for (const pass of ['rendered', 'stored']) {
    const res = await api.get(path).set('accept-encoding', 'identity').query(query).expect(200);
    expect(res.text, pass).toBe(want.body);
    expect(res.headers.etag, pass).toBe(want.etag);
  }
  return want.body;
}

async function storedBody(id: string): Promise<string | null> {
  const [row] = await probe.rows<{ body: string | null }>(
    sql`select body from article_documents where article_id = ${id}`,
  );
  if (!row) throw new Error(`no documents row for ${id}`);
  return row.body;
}

let n = 0;
/** An article with a varied shape: tags, credits, hero image, source, standfirst, awkward text. */
async function variedArticle() {
  n++;
  const title = [`Plain ${n}`, `Quotes "${n}" and \\ back`, `Ünïcödé ✓ ${n} 😀`, `Line\u2028sep </script> ${n}`][n % 4];
  const credits = [
    [],
    [{ role: 'image', name: `Photographer ${n}` }],
    [
      { role: 'source', name: `Agency ${n}`, organization: 'AFP', url: `https://example.org/${n}`, license: 'CC-BY' },
      { role: 'author', name: `Writer ${n}`, organization: null, url: null, license: null },
    ],
  ][n % 3];
  const row = await createPublishedArticle(services, {
    title: title as string,
    lang: n % 2 ? 'en' : 'fr',
    standfirst: n % 3 === 0 ? null : `Standfirst <b>${n}</b> & more`,
    body: `# Heading ${n}\n\nSome *markdown* with [a link](https://example.org/${n}) and \`code\`.`,
    tags: [[], ['Shared'], ['Shared', `Own ${n}`], [`Own ${n}`, 'Other', 'Shared']][n % 4],
    credits,
    hero_image:
      n % 2
        ? {
            url: `https://img.example.org/${n}.jpg`,
            alt: `Alt ${n}`,
            caption: n % 4 === 1 ? null : 'A caption',
            credit: n % 4 === 1 ? null : { name: 'Cam', organization: null, url: null },
          }
        : null,
    source: n % 3 === 1 ? { name: `Source ${n}`, url: n % 2 ? `https://source.example.org/${n}` : null } : null,
    ai_generated: n % 5 === 0,
    comments_open: n % 4 !== 3,
  });
  return row;
}

async function approvedComment(slug: string) {
  await services.comments.create(
    slug,
    { author_name: 'Ada', author_email: `ada${n}@example.org`, body: `Comment ${Math.random()}` },
    '10.0.0.1',
  );
  const queued = await services.moderation.queue({ status: 'pending', article: slug, limit: 100 });
  const pending = queued.data[0];
  if (!pending) throw new Error('no pending comment');
  await services.moderation.moderate(pending.id, { status: 'approved' }, TEST_ACTOR.name);
  return pending.id;
}

describe('stored documents are byte for byte what per-request serialization gave', () => {
  it('for the seeded article, by slug and by id', async () => {
    const [slug] = await seed(services);
    const body = await expectServedAsSerialized(slug as string);
    const id = JSON.parse(body).id as string;
    expect(await storedBody(id)).toBe(body);
    await expectServedAsSerialized(id);
  });

  it('for generated articles with tags, credits, comments, hero images, with and without a source', async () => {
    const rows = [];
    for (let i = 0; i < 12; i++) rows.push(await variedArticle());
    for (const row of rows.filter((r) => r.comments_open).slice(0, 4)) await approvedComment(row.slug);
    const bodies = [];
    for (const row of rows) {
      bodies.push(await expectServedAsSerialized(row.slug));
      await expectServedAsSerialized(row.id);
      expect(await storedBody(row.id)).toBe(bodies.at(-1));
    }
    const shapes = bodies.map((b) => JSON.parse(b));
    expect(shapes.some((a) => a.source === null)).toBe(true);
    expect(shapes.some((a) => a.source !== null && a.source.url === null)).toBe(true);
    expect(shapes.some((a) => a.credits.length === 2 && a.tags.length === 3)).toBe(true);
    expect(shapes.some((a) => a.comment_count === 1)).toBe(true);
  });

  it('for list pages: the first, cursor pages, a tag, a language, and both', async () => {
    const first = JSON.parse(await expectPageAsSerialized('/v1/articles', { limit: 5 }));
    expect(first.data).toHaveLength(5);
    await expectPageAsSerialized('/v1/articles', { limit: 5, cursor: first.meta.next_cursor });
    await expectPageAsSerialized('/v1/articles');
    await expectPageAsSerialized('/v1/articles', { tag: 'shared', limit: 3 });
    const tagged = JSON.parse((await api.get('/v1/articles').query({ tag: 'shared', limit: 3 })).text);
    await expectPageAsSerialized('/v1/articles', { tag: 'shared', limit: 3, cursor: tagged.meta.next_cursor });
    await expectPageAsSerialized('/v1/articles', { lang: 'fr' });
    await expectPageAsSerialized('/v1/articles', { lang: 'en', tag: 'shared' });
    const last = await expectPageAsSerialized('/v1/articles', { limit: 100 });
    expect(JSON.parse(last).meta.next_cursor).toBeNull();
    await expectPageAsSerialized('/v1/articles', { tag: 'no-such-tag' });
  });

  it('keeps a former slug redirecting, and a draft unknown, as before', async () => {
    const row = await variedArticle();
    await api
      .post(`/v1/articles/${row.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: row.revision, slug: `${row.slug}-renamed` })
      .expect(201);
    await services.publishing.publish(row.id, {}, TEST_ACTOR);
    const moved = await api.get(`/v1/articles/${row.slug}`).expect(301);
    expect(moved.headers.location).toBe(`/v1/articles/${row.slug}-renamed`);
    await expectServedAsSerialized(`${row.slug}-renamed`);
    const draft = await services.articles.create(articleInput(), TEST_ACTOR);
    await api.get(`/v1/articles/${draft.slug}`).expect(404);
    await api.get(`/v1/articles/${draft.id}`).expect(404);
  });
});

describe('every write a reader sees replaces the stored documents in its transaction', () => {
  /** Serves the article and the tag page once, so their documents are stored before the write. */
  async function warm(row: { id: string; slug: string }) {
    const before = await expectServedAsSerialized(row.slug);
    expect(await storedBody(row.id)).toBe(before);
    await expectPageAsSerialized('/v1/articles', { tag: 'shared' });
    await expectPageAsSerialized('/v1/articles');
    return before;
  }

  /** After the write: the article (and the pages) are served as serialized from the new state, and differ from before. */
  async function expectReplaced(row: { id: string; slug: string }, before: string) {
    expect(await storedBody(row.id)).toBeNull();
    const after = await expectServedAsSerialized(row.slug);
    expect(after).not.toBe(before);
    await expectPageAsSerialized('/v1/articles', { tag: 'shared' });
    await expectPageAsSerialized('/v1/articles');
    return JSON.parse(after);
  }

  async function sharedArticle() {
    const row = await createPublishedArticle(services, {
      tags: ['Shared', `Mine ${++n}`],
      credits: [{ role: 'image', name: `Credited ${n}` }],
    });
    return row;
  }

  it('a publication of a new revision', async () => {
    const row = await sharedArticle();
    const before = await warm(row);
    await api
      .post(`/v1/articles/${row.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: row.revision, title: 'A new title' })
      .expect(201);
    // A draft revision changes nothing a reader sees, yet is not served stale either.
    expect(await expectServedAsSerialized(row.slug)).toBe(before);
    await services.publishing.publish(row.id, {}, TEST_ACTOR);
    expect((await expectReplaced(row, before)).title).toBe('A new title');
  });

  it('a scheduled publication coming due', async () => {
    const row = await sharedArticle();
    const before = await warm(row);
    await api
      .post(`/v1/articles/${row.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: row.revision, title: 'Scheduled title' })
      .expect(201);
    await services.publishing.publish(row.id, { at: new Date(clock.now() + 60_000).toISOString() }, TEST_ACTOR);
    expect(await expectServedAsSerialized(row.slug)).toBe(before);
    clock.advance(61_000);
    await services.publishing.applyDue();
    expect((await expectReplaced(row, before)).title).toBe('Scheduled title');
  });

  // A tag or credit on a published article cannot be deleted (409), so only changes reach readers.
  it('a tag renamed, and given a new slug', async () => {
    const row = await sharedArticle();
    const before = await warm(row);
    const mine = `mine-${n}`;
    await services.tags.update(mine, { name: 'Renamed tag' }, TEST_ACTOR);
    const renamed = await expectReplaced(row, before);
    expect(renamed.tags).toEqual([
      { slug: 'shared', name: 'Shared' },
      { slug: mine, name: 'Renamed tag' },
    ]);
    const again = await expectServedAsSerialized(row.slug);
    await services.tags.update(mine, { slug: `${mine}-moved` }, TEST_ACTOR);
    expect((await expectReplaced(row, again)).tags).toEqual([
      { slug: 'shared', name: 'Shared' },
      { slug: `${mine}-moved`, name: 'Renamed tag' },
    ]);
    const res = await api.get(`/v1/articles/${row.slug}`).expect(200);
    expect(res.headers['surrogate-key']).toContain(`tag:${mine}-moved`);
  });

  it('a credit changed twice', async () => {
    const row = await sharedArticle();
    const before = await warm(row);
    const creditId = JSON.parse(before).credits[0].id as number;
    await services.credits.update(creditId, { organization: 'New Org' }, TEST_ACTOR);
    const changed = await expectReplaced(row, before);
    expect(changed.credits[0]).toMatchObject({ id: creditId, organization: 'New Org' });
    const again = await expectServedAsSerialized(row.slug);
    await services.credits.update(creditId, { url: 'https://credit.example.org/', license: 'CC0' }, TEST_ACTOR);
    expect((await expectReplaced(row, again)).credits[0]).toMatchObject({
      url: 'https://credit.example.org/',
      license: 'CC0',
    });
  });

  it('a comment approved, then rejected, then erased', async () => {
    const row = await sharedArticle();
    const before = await warm(row);
    const id = await approvedComment(row.slug);
    const approved = await expectReplaced(row, before);
    expect(approved.comment_count).toBe(1);
    const again = await expectServedAsSerialized(row.slug);
    await services.moderation.moderate(id, { status: 'rejected' }, TEST_ACTOR.name);
    expect((await expectReplaced(row, again)).comment_count).toBe(0);
    const second = await approvedComment(row.slug);
    const third = await expectServedAsSerialized(row.slug);
    await services.moderation.erase(second, TEST_ACTOR.name);
    expect((await expectReplaced(row, third)).comment_count).toBe(0);
  });

  it('comments closed by PATCH', async () => {
    const row = await sharedArticle();
    const before = await warm(row);
    await api
      .patch(`/v1/articles/${row.id}`)
      .set('authorization', editor.header)
      .send({ comments_open: false })
      .expect(200);
    expect((await expectReplaced(row, before)).comments_open).toBe(false);
  });

  it('an unpublication and an archive', async () => {
    const row = await sharedArticle();
    await warm(row);
    await services.publishing.unpublish(row.id, TEST_ACTOR);
    expect(await storedBody(row.id)).toBeNull();
    await api.get(`/v1/articles/${row.slug}`).expect(404);
    await api.get(`/v1/articles/${row.id}`).expect(404);
    const page = await expectPageAsSerialized('/v1/articles', { tag: 'shared', limit: 100 });
    expect(JSON.parse(page).data.map((a: { id: string }) => a.id)).not.toContain(row.id);
    const other = await sharedArticle();
    await warm(other);
    await services.publishing.archive(other.id, TEST_ACTOR);
    await api.get(`/v1/articles/${other.slug}`).expect(404);
    await expectPageAsSerialized('/v1/articles', { limit: 100 });
  });
});

describe('a render of state a write replaced is never stored', () => {
  it('when the write commits between the read of the version and the rest of the render', async () => {
    const row = await createPublishedArticle(services, articleInput({ tags: ['Raced'] }));
    const { store } = { store: engine.store };
    let raced = false;
    // The reader reads the row and its version, then a writer closes comments before it reads the links.
    const repo = {
      ...store.articles,
      findDocumentSource: async (id: string) => {
        const source = await store.articles.findDocumentSource(id);
        if (!raced) {
          raced = true;
          await services.editor.setCommentsOpen(id, false, TEST_ACTOR);
        }
        return source;
      },
    };
    const { createArticleResolver } = await import('../../../src/modules/articles/resolver.js');
    const reader = createArticlesService({ repo, resolver: createArticleResolver(store.articles), clock });
    const seen = await reader.findDocument(row.slug);
    expect(raced).toBe(true);
    // That reader alone got what it read: comments open.
    expect('body' in seen && JSON.parse(seen.body).comments_open).toBe(true);
    expect(await storedBody(row.id)).toBeNull();
    // Everyone after gets the committed state.
    const served = JSON.parse(await expectServedAsSerialized(row.slug));
    expect(served.comments_open).toBe(false);
  });

  it('when the reader stores after the write committed, with the version it read before', async () => {
    const row = await createPublishedArticle(services, articleInput({ tags: ['Raced'] }));
    const repo = engine.store.articles;
    const source = await repo.findDocumentSource(row.id);
    if (!source || source.version === null) throw new Error('no documents row');
    const old = renderDocuments(source.row, [{ slug: 'raced', name: 'Raced' }], []);
    await services.tags.update('raced', { name: 'Raced renamed' }, TEST_ACTOR);
    await repo.storeDocuments(row.id, source.version, old);
    expect(await storedBody(row.id)).toBeNull();
    expect(JSON.parse(await expectServedAsSerialized(row.slug)).tags).toEqual([
      { slug: 'raced', name: 'Raced renamed' },
    ]);
    // The same store with the current version is kept: the guard is the version, nothing else.
    const current = await repo.findDocumentSource(row.id);
    if (!current || current.version === null) throw new Error('no documents row');
    await probe.run(sql`update article_documents set body = null where article_id = ${row.id}`);
    await repo.storeDocuments(row.id, current.version, old);
    expect(await storedBody(row.id)).toBe(old.body);
  });

  it('a teaser rendered before a write is not stored for the page either', async () => {
    const row = await createPublishedArticle(services, articleInput({ tags: ['Teased'] }));
    await api.get('/v1/articles').query({ tag: 'teased' }).expect(200);
    await probe.run(sql`update article_documents set teaser = null where article_id = ${row.id}`);
    const [before] = await probe.rows<{ version: number }>(
      sql`select version from article_documents where article_id = ${row.id}`,
    );
    await services.tags.update('teased', { name: 'Teased renamed' }, TEST_ACTOR);
    await engine.store.articles.storeTeasers([
      { id: row.id, version: Number(before?.version), teaser: '{"stale":true}' },
    ]);
    const page = await expectPageAsSerialized('/v1/articles', { tag: 'teased' });
    expect(page).not.toContain('stale');
    expect(JSON.parse(page).data[0].tags).toEqual([{ slug: 'teased', name: 'Teased renamed' }]);
  });

  it('a teaser rendered at the current version is stored and served as it was stored', async () => {
    const first = await createPublishedArticle(services, articleInput({ tags: ['Kept'] }));
    const second = await createPublishedArticle(services, articleInput({ tags: ['Kept'] }));
    const ids = [first.id, second.id].sort();
    await api.get('/v1/articles').query({ tag: 'kept' }).expect(200);
    const rendered = await probe.rows<{ article_id: string; version: number; teaser: string }>(
      sql`select article_id, version, teaser from article_documents where article_id in (${ids[0]}, ${ids[1]}) order by article_id`,
    );
    expect(rendered.map((r) => r.teaser === null)).toEqual([false, false]);
    await probe.run(sql`update article_documents set teaser = null where article_id in (${ids[0]}, ${ids[1]})`);
    // Teasers told apart from a fresh render by their title, so the page shows which were stored.
    const stored = rendered.map((r) => ({
      id: r.article_id,
      version: Number(r.version),
      teaser: JSON.stringify({ ...JSON.parse(r.teaser), title: `Stored ${r.article_id}` }),
    }));
    await engine.store.articles.storeTeasers(stored);
    const kept = await probe.rows<{ article_id: string; teaser: string | null }>(
      sql`select article_id, teaser from article_documents where article_id in (${ids[0]}, ${ids[1]}) order by article_id`,
    );
    expect(kept).toEqual(stored.map((t) => ({ article_id: t.id, teaser: t.teaser })));
    const page = JSON.parse((await api.get('/v1/articles').query({ tag: 'kept' }).expect(200)).text);
    expect(page.data.map((t: { title: string }) => t.title).sort()).toEqual(ids.map((id) => `Stored ${id}`));
  });
});
