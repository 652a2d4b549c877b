/**
 * Every /v1/articles/{article} route names the article the same three ways: by id, by its current
 * slug, or by a slug it had before. A reader's GET under a former public slug answers 301 to the
 * same path and query under the current slug; editors' routes and every write act on the article
 * itself. Readers never reach a draft, by any name.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';
import { approvedComment, commentInput, postComment } from '../comments/support.js';

const { api, services, probe } = await buildTestApp();
const editor = await createToken(services, 'editor', 'Ada');
const admin = await createToken(services, 'admin', 'Root');
const moderator = await createToken(services, 'moderator', 'Mo');
type Req<T> = { set(name: string, value: string): T };
const as =
  (token: { header: string }) =>
  <T extends Req<T>>(req: T) =>
    req.set('authorization', token.header);
const ed = as(editor);

let counter = 0;
/** A slug no other test uses. */
const fresh = (stem: string) => `${stem}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

async function create(slug: string): Promise<string> {
  const res = await ed(api.post('/v1/articles')).send({ title: `Title of ${slug}`, slug, lang: 'en', body: 'Body.' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function revise(name: string, base: number, fields: object) {
  const res = await ed(api.post(`/v1/articles/${name}/revisions`)).send({ base_revision: base, ...fields });
  expect(res.status).toBe(201);
  return res;
}

async function publish(name: string) {
  expect((await ed(api.post(`/v1/articles/${name}/publish`)).send({})).status).toBe(200);
}

/**
 * A published article that was published under `before` and then renamed to `after`, and
 * published again: `before` is a former public slug.
 */
async function renamed() {
  const before = fresh('before');
  const after = fresh('after');
  const id = await create(before);
  await publish(id);
  await revise(id, 1, { slug: after });
  await publish(id);
  return { id, before, after, names: [id, after, before] };
}

/** A draft never published, under a working slug it had before and the one it has now. */
async function draftArticle() {
  const working = fresh('working');
  const slug = fresh('draft');
  const id = await create(working);
  await revise(id, 1, { slug });
  return { id, working, slug, names: [id, slug, working] };
}

const notFound = (detail: string, instance: string) => ({
  type: expect.any(String),
  title: 'Not found',
  status: 404,
  code: 'not_found',
  detail,
  instance,
  request_id: expect.any(String),
});
const noPublished = (name: string, path = '') =>
  notFound(`No published article with id or slug "${name}"`, `/v1/articles/${name}${path}`);
const noArticle = (name: string, path = '') =>
  notFound(`No article with id or slug "${name}"`, `/v1/articles/${name}${path}`);

describe('GET /v1/articles/{article} for readers', () => {
  it('answers the same article by id and by current slug', async () => {
    const { id, after } = await renamed();
    const bySlug = await api.get(`/v1/articles/${after}`);
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toMatchObject({ id, slug: after });
    const byId = await api.get(`/v1/articles/${id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(bySlug.body);
  });

  it('redirects a former slug to the current URL', async () => {
    const { before, after } = await renamed();
    const res = await api.get(`/v1/articles/${before}`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`/v1/articles/${after}`);
  });

  it('caches the redirect as the read it stands for, purged with the article', async () => {
    const { id, before, after } = await renamed();
    const read = await api.get(`/v1/articles/${after}`);
    const res = await api.get(`/v1/articles/${before}`);
    expect(res.status).toBe(301);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(res.headers['cache-control']).toBe(read.headers['cache-control']);
    expect(res.headers['surrogate-key']).toBe(`article:${id}`);
    expect(res.headers['cache-tag']).toBe(`article:${id}`);
    expect(read.headers['surrogate-key']?.split(' ')).toContain(`article:${id}`);
  });

  it('answers an unknown name, and a draft by any of its names, with the same 404', async () => {
    expect((await api.get('/v1/articles/no-such-name')).body).toEqual(noPublished('no-such-name'));
    for (const name of (await draftArticle()).names) {
      const res = await api.get(`/v1/articles/${name}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(noPublished(name));
      expect(res.headers.location).toBeUndefined();
    }
  });
});

describe('GET /v1/articles/{article}/comments', () => {
  it('lists the same comments by id and by current slug', async () => {
    const { id, after } = await renamed();
    const commentId = await approvedComment(api, services, probe, after, { author_name: 'Liv', body: 'Hei' });
    const bySlug = await api.get(`/v1/articles/${after}/comments`);
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toEqual({
      data: [
        {
          id: commentId,
          parent_id: null,
          author_name: 'Liv',
          body: 'Hei',
          body_html: 'Hei',
          created_at: expect.any(String),
        },
      ],
      meta: { next_cursor: null },
    });
    const byId = await api.get(`/v1/articles/${id}/comments`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(bySlug.body);
  });

  it('redirects a former slug to the same path and query under the current slug', async () => {
    const { before, after } = await renamed();
    const res = await api.get(`/v1/articles/${before}/comments?limit=1`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`/v1/articles/${after}/comments?limit=1`);
    expect((await api.get(res.headers.location as string)).status).toBe(200);
  });

  it('caches the redirect as the page it stands for, purged with the article or its comments', async () => {
    const { id, before } = await renamed();
    const res = await api.get(`/v1/articles/${before}/comments`);
    expect(res.status).toBe(301);
    const page = await api.get(res.headers.location as string);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(res.headers['cache-control']).toBe(page.headers['cache-control']);
    expect(res.headers['surrogate-key']).toBe(`comments:${id} article:${id}`);
    expect(res.headers['surrogate-key']).toBe(page.headers['surrogate-key']);
  });

  it("keeps an editor's redirect out of shared caches", async () => {
    const { before } = await renamed();
    const res = await ed(api.get(`/v1/articles/${before}/comments`));
    expect(res.status).toBe(301);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers['surrogate-key']).toBeUndefined();
  });

  it('answers an unknown name, and a draft by any of its names, with the same 404', async () => {
    expect((await api.get('/v1/articles/no-such-name/comments')).body).toEqual(
      noPublished('no-such-name', '/comments'),
    );
    for (const name of (await draftArticle()).names) {
      const res = await api.get(`/v1/articles/${name}/comments`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(noPublished(name, '/comments'));
    }
  });

  it('keeps an unpublished article out of reach under every name it had', async () => {
    const { id, names } = await renamed();
    await ed(api.post(`/v1/articles/${id}/unpublish`)).expect(200);
    for (const name of names) {
      const res = await api.get(`/v1/articles/${name}/comments`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(noPublished(name, '/comments'));
    }
  });
});

describe('POST /v1/articles/{article}/comments', () => {
  const commentsOf = async (articleId: string) =>
    (
      await probe.rows<{ body: string }>(sql`select body from comments where article_id = ${articleId} order by id`)
    ).map((r) => r.body);

  it('takes a comment by id, current slug and former slug, each onto the article, never redirected', async () => {
    const { id, before, after } = await renamed();
    for (const [name, body] of [
      [id, 'by id'],
      [after, 'by slug'],
      [before, 'by former slug'],
    ] as const) {
      const res = await postComment(api, name, { body });
      expect(res.status).toBe(202);
      expect(res.headers.location).toBeUndefined();
    }
    expect(await commentsOf(id)).toEqual(['by id', 'by slug', 'by former slug']);
  });

  it('answers an unknown name, a draft by any name, and a working slug never published with 404, storing nothing', async () => {
    const draft = await draftArticle();
    // Published under its second slug only: the first was a working title no reader was shown.
    const working = fresh('unshown');
    const shown = fresh('shown');
    const id = await create(working);
    await revise(id, 1, { slug: shown });
    await publish(id);
    for (const name of ['no-such-name', ...draft.names, working]) {
      const res = await api.post(`/v1/articles/${name}/comments`).send(commentInput());
      expect(res.status).toBe(404);
      expect(res.body).toEqual(noPublished(name, '/comments'));
    }
    expect(await commentsOf(draft.id)).toEqual([]);
    expect(await commentsOf(id)).toEqual([]);
  });
});

describe('editor routes by any name', () => {
  it('GET /v1/articles/{article} gives the editor view by every name, a former slug included', async () => {
    const { id, names } = await renamed();
    const bodies = await Promise.all(names.map((name) => ed(api.get(`/v1/articles/${name}`))));
    for (const res of bodies) {
      expect(res.status).toBe(200);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toEqual(bodies[0]?.body);
    }
    expect(bodies[0]?.body).toMatchObject({ id, status: 'published' });
  });

  it('GET …/revisions, …/revisions/{n} and …/diff answer the same by every name, and never redirect', async () => {
    const { names } = await renamed();
    for (const path of ['/revisions', '/revisions/2', '/revisions/2/diff']) {
      const answers = await Promise.all(names.map((name) => ed(api.get(`/v1/articles/${name}${path}`))));
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(res.body).toEqual(answers[0]?.body);
      }
    }
    const list = await ed(api.get(`/v1/articles/${names[2]}/revisions`));
    expect(list.body.data.map((r: { number: number }) => r.number)).toEqual([2, 1]);
  });

  it('POST …/revisions and …/restore by a former slug write to the article', async () => {
    const { id, before, after } = await renamed();
    const revised = await revise(before, 2, { title: 'Written under the former slug' });
    expect(revised.headers.location).toBe(`/v1/articles/${id}/revisions/3`);
    expect(revised.body).toMatchObject({ id, revision: 3, title: 'Written under the former slug', slug: after });
    const restored = await ed(api.post(`/v1/articles/${before}/revisions/2/restore`)).send({ base_revision: 3 });
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ id, revision: 4, title: `Title of ${before}` });
  });

  it('POST …/publish and …/unpublish by a former slug act on the article', async () => {
    const { id, before } = await renamed();
    const unpublished = await ed(api.post(`/v1/articles/${before}/unpublish`)).send();
    expect(unpublished.status).toBe(200);
    expect(unpublished.body).toMatchObject({ id, status: 'draft' });
    const published = await ed(api.post(`/v1/articles/${before}/publish`)).send({});
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ id, status: 'published' });
  });

  it('answers 404 for a draft by the working slug it let go, publishing nothing', async () => {
    const { id, working } = await draftArticle();
    const res = await ed(api.post(`/v1/articles/${working}/publish`)).send({});
    expect(res.status).toBe(404);
    expect(res.body).toEqual(noArticle(working, '/publish'));
    expect((await ed(api.get(`/v1/articles/${id}`))).body).toMatchObject({ id, status: 'draft' });
  });

  it('PATCH and DELETE /v1/articles/{article} by a former slug act on the article', async () => {
    const { id, before } = await renamed();
    const patched = await ed(api.patch(`/v1/articles/${before}`)).send({ comments_open: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, comments_open: false });
    expect((await as(admin)(api.delete(`/v1/articles/${before}`))).status).toBe(204);
    expect((await ed(api.get(`/v1/articles/${id}`))).body).toMatchObject({ status: 'archived' });
  });

  it('previews: made, listed and revoked by a former slug', async () => {
    const { id, names, before } = await renamed();
    const made = await ed(api.post(`/v1/articles/${before}/preview`)).send({});
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ article_id: id });
    const lists = await Promise.all(names.map((name) => ed(api.get(`/v1/articles/${name}/previews`))));
    for (const res of lists) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(lists[0]?.body);
    }
    expect(lists[0]?.body.data.map((l: { id: number }) => l.id)).toEqual([made.body.id]);
    expect((await ed(api.delete(`/v1/articles/${before}/previews/${made.body.id}`))).status).toBe(204);
  });

  it('the moderation queue filters by a former slug', async () => {
    const { id, after, before } = await renamed();
    await postComment(api, after, { body: 'Waiting for a moderator' });
    const byFormer = await as(moderator)(api.get(`/v1/comments?status=all&article=${before}`));
    expect(byFormer.status).toBe(200);
    expect(byFormer.body.data.map((c: { article: { id: string }; body: string }) => [c.article.id, c.body])).toEqual([
      [id, 'Waiting for a moderator'],
    ]);
    const byId = await as(moderator)(api.get(`/v1/comments?status=all&article=${id}`));
    expect(byId.body).toEqual(byFormer.body);
  });

  it('every editor route answers an unknown name with the same 404 problem', async () => {
    const name = 'no-such-article-anywhere';
    const routes: [string, string, object | undefined][] = [
      ['get', '', undefined],
      ['patch', '', { comments_open: true }],
      ['get', '/revisions', undefined],
      ['post', '/revisions', { base_revision: 1, title: 'x' }],
      ['get', '/revisions/1', undefined],
      ['get', '/revisions/1/diff', undefined],
      ['post', '/revisions/1/restore', { base_revision: 1 }],
      ['post', '/publish', {}],
      ['post', '/unpublish', undefined],
      ['post', '/preview', {}],
      ['get', '/previews', undefined],
      ['delete', '/previews/1', undefined],
    ];
    for (const [method, path, body] of routes) {
      const url = `/v1/articles/${name}${path}`;
      const req = ed(api[method as 'get' | 'post' | 'patch' | 'delete'](url));
      const res = await (body === undefined ? req : req.send(body));
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body, `${method} ${url}`).toEqual(noArticle(name, path));
    }
    const archived = await as(admin)(api.delete(`/v1/articles/${name}`));
    expect(archived.body).toEqual(noArticle(name));
    const queue = await as(moderator)(api.get(`/v1/comments?article=${name}`));
    expect(queue.body).toEqual(notFound(`No article with id or slug "${name}"`, '/v1/comments'));
  });
});

const slugRefused = (instance: string) => ({
  type: '/problems/validation_failed',
  title: 'Validation failed',
  status: 400,
  detail: 'Invalid body: slug',
  instance,
  code: 'validation_failed',
  request_id: expect.any(String),
  errors: [{ in: 'body', path: 'slug', message: 'must not have the shape of an article id' }],
});

describe('a slug shaped like an id', () => {
  const articleCount = async () => (await probe.rows<{ n: number }>(sql`select count(*) as n from articles`))[0]?.n;

  it('is refused on create, storing nothing', async () => {
    const first = await create(fresh('first'));
    const before = await articleCount();
    const res = await ed(api.post('/v1/articles')).send({ title: 'Takeover', slug: first, lang: 'en', body: 'B.' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(slugRefused('/v1/articles'));
    expect(await articleCount()).toEqual(before);
  });

  it('is refused on a revision, whatever article it would name, writing nothing', async () => {
    const first = await create(fresh('first'));
    const second = await create(fresh('second'));
    for (const slug of [first, '01234567-89ab-cdef-0123-456789abcdef']) {
      const res = await ed(api.post(`/v1/articles/${second}/revisions`)).send({ base_revision: 1, slug });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(slugRefused(`/v1/articles/${second}/revisions`));
    }
    expect((await ed(api.get(`/v1/articles/${second}`))).body).toMatchObject({ id: second, revision: 1 });
  });

  it('is never made from a title: the title that is an id gets a suffix', async () => {
    const first = await create(fresh('first'));
    const res = await ed(api.post('/v1/articles')).send({ title: first, lang: 'en', body: 'B.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: first, slug: `${first}-2` });
  });

  it("lets a reader's GET of every listed slug answer the listed article", async () => {
    const first = await create(fresh('listed'));
    await publish(first);
    const titled = (await ed(api.post('/v1/articles')).send({ title: first, lang: 'en', body: 'B.' })).body.id;
    await publish(titled);
    const list = await api.get('/v1/articles?limit=100');
    expect(list.status).toBe(200);
    const listed = list.body.data as { id: string; slug: string }[];
    expect(listed.map((a) => a.id)).toEqual(expect.arrayContaining([first, titled]));
    for (const { id, slug } of listed) {
      const res = await api.get(`/v1/articles/${slug}`);
      expect(res.status, slug).toBe(200);
      expect(res.body.id, slug).toBe(id);
    }
  });
});

describe("a published article's new slug, not yet published", () => {
  /** Published under `public`, with a head revision 2 that renames it to `pending`. */
  async function pendingRename() {
    const shown = fresh('shown');
    const pending = fresh('pending');
    const id = await create(shown);
    await publish(id);
    await revise(id, 1, { slug: pending });
    return { id, shown, pending };
  }

  it('names the article on every editor route, while readers still get 404 for it', async () => {
    const { id, shown, pending } = await pendingRename();
    const view = await ed(api.get(`/v1/articles/${pending}`));
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, slug: pending, status: 'published', revision: 2 });
    expect((await ed(api.get(`/v1/articles/${id}`))).body).toEqual(view.body);
    const revisions = await ed(api.get(`/v1/articles/${pending}/revisions`));
    expect(revisions.status).toBe(200);
    expect(revisions.body.data.map((r: { number: number }) => r.number)).toEqual([2, 1]);
    for (const path of ['', '/comments']) {
      const res = await api.get(`/v1/articles/${pending}${path}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(noPublished(pending, path));
    }
    const res = await postComment(api, pending, { body: 'Too early' });
    expect(res.status).toBe(404);
    expect((await api.get(`/v1/articles/${shown}`)).body).toMatchObject({ id, slug: shown });
  });

  it('stays the article’s: another article cannot revise to it, and a new one gets a suffix', async () => {
    const { pending } = await pendingRename();
    const other = await create(fresh('other'));
    const taken = await ed(api.post(`/v1/articles/${other}/revisions`)).send({ base_revision: 1, slug: pending });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'conflict', detail: `The slug "${pending}" belongs to another article` });
    expect((await ed(api.get(`/v1/articles/${other}`))).body).toMatchObject({ revision: 1 });
    const created = await ed(api.post('/v1/articles')).send({ title: 'Same', slug: pending, lang: 'en', body: 'B.' });
    expect(created.status).toBe(201);
    expect(created.body.slug).toBe(`${pending}-2`);
  });

  it('publishes by it; the slug readers had then redirects to it', async () => {
    const { id, shown, pending } = await pendingRename();
    const published = await ed(api.post(`/v1/articles/${pending}/publish`)).send({});
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ id, slug: pending, status: 'published' });
    expect((await api.get(`/v1/articles/${pending}`)).body).toMatchObject({ id, slug: pending });
    const moved = await api.get(`/v1/articles/${shown}`);
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`/v1/articles/${pending}`);
  });

  it('after a restore to the published slug, is let go: it names no article, for editors or readers', async () => {
    const { id, shown, pending } = await pendingRename();
    const restored = await ed(api.post(`/v1/articles/${pending}/revisions/1/restore`)).send({ base_revision: 2 });
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ id, revision: 3, slug: shown });
    const forEditor = await ed(api.get(`/v1/articles/${pending}`));
    expect(forEditor.status).toBe(404);
    expect(forEditor.body).toEqual(noArticle(pending));
    await publish(id);
    expect((await api.get(`/v1/articles/${shown}`)).body).toMatchObject({ id, slug: shown, revision: 3 });
    const res = await api.get(`/v1/articles/${pending}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(noPublished(pending));
  });
});
