/**
 * The change feed's promise, checked after random sequences of writes over HTTP: a consumer that
 * applies the feed in order (upsert: the entity id now has this slug; delete: it is gone) holds
 * exactly the published articles, tags and credits that GET /v1/articles, /v1/tags and /v1/credits
 * list to a reader: a tag or credit only drafts name, or none, is never announced.
 * One consumer polls on across all runs, as a real one would, from the cursor it kept: the promise
 * holds whatever the database held before, so runs (and fast-check's shrinking) share one database.
 */

import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const clock = testClock();
const { api, services, probe } = await buildTestApp({ clock });
const admin = await createToken(services, 'admin', 'Ada');
const as = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', admin.header);

const TITLES = ['Fjord', 'Glacier', 'Aurora', 'Tundra'];
const TAGS = ['Ice', 'Snow', 'Sea'];
const CREDITS = ['Kari', 'Ola'];

const pick = <T>(list: readonly T[]) => fc.integer({ min: 0, max: list.length - 1 }).map((i) => list[i] as T);
const anyIndex = fc.nat(50);
const tagSet = fc.subarray(TAGS, { maxLength: 2 });

const command = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    title: pick(TITLES),
    tags: tagSet,
    credit: fc.option(pick(CREDITS)),
  }),
  fc.record({
    kind: fc.constant('revise' as const),
    article: anyIndex,
    title: pick(TITLES),
    rename: fc.boolean(),
    tags: tagSet,
    credit: fc.option(pick(CREDITS)),
  }),
  fc.record({ kind: fc.constant('publish' as const), article: anyIndex }),
  fc.record({ kind: fc.constant('schedule' as const), article: anyIndex }),
  fc.record({ kind: fc.constant('unpublish' as const), article: anyIndex }),
  fc.record({ kind: fc.constant('archive' as const), article: anyIndex }),
  fc.record({ kind: fc.constant('tag' as const), name: pick(TAGS) }),
  fc.record({ kind: fc.constant('renameTag' as const), from: pick(TAGS), to: pick(TAGS) }),
  fc.record({ kind: fc.constant('deleteTag' as const), name: pick(TAGS) }),
  fc.record({ kind: fc.constant('credit' as const), name: pick(CREDITS) }),
  fc.record({ kind: fc.constant('renameCredit' as const), credit: anyIndex, name: pick(CREDITS) }),
  fc.record({ kind: fc.constant('deleteCredit' as const), credit: anyIndex }),
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

const slugOf = (name: string) => name.toLowerCase();
const articles: string[] = [];
const credits: number[] = [];
let renames = 0;

/** Runs one write; refusals (409s: a tag in use, an archived article, a slug taken) are part of the game. */
async function run(c: Command): Promise<void> {
  const nth = <T>(list: T[], i: number) => list[i % list.length];
  const article = 'article' in c ? nth(articles, c.article) : undefined;
  switch (c.kind) {
    case 'create': {
      const body = {
        title: c.title,
        lang: 'en',
        body: 'Text.',
        tags: c.tags,
        ...(c.credit ? { credits: [{ role: 'image', name: c.credit }] } : {}),
      };
      articles.push((await as(api.post('/v1/articles')).send(body).expect(201)).body.id);
      return;
    }
    case 'revise': {
      if (!article) return;
      const head = (await as(api.get(`/v1/articles/${article}`)).expect(200)).body.revision;
      const rename = c.rename ? { slug: `${slugOf(c.title)}-r${++renames}` } : {};
      await as(api.post(`/v1/articles/${article}/revisions`)).send({
        base_revision: head,
        title: c.title,
        tags: c.tags,
        credits: c.credit ? [{ role: 'image', name: c.credit }] : [],
        ...rename,
      });
      return;
    }
    case 'publish':
      if (article) await as(api.post(`/v1/articles/${article}/publish`)).send({});
      return;
    case 'schedule':
      if (!article) return;
      await as(api.post(`/v1/articles/${article}/publish`)).send({ at: new Date(clock.now() + 1000).toISOString() });
      clock.advance(2000);
      // The first request after the time applies it.
      await api.get('/v1/tags').expect(200);
      return;
    case 'unpublish':
      if (article) await as(api.post(`/v1/articles/${article}/unpublish`));
      return;
    case 'archive':
      if (article) await as(api.delete(`/v1/articles/${article}`));
      return;
    case 'tag':
      await as(api.post('/v1/tags')).send({ name: c.name });
      return;
    case 'renameTag':
      await as(api.patch(`/v1/tags/${slugOf(c.from)}`)).send({ name: c.to, slug: slugOf(c.to) });
      return;
    case 'deleteTag':
      await as(api.delete(`/v1/tags/${slugOf(c.name)}`));
      return;
    case 'credit': {
      const res = await as(api.post('/v1/credits')).send({ name: c.name });
      if (res.status === 201) credits.push(res.body.id);
      return;
    }
    case 'renameCredit': {
      const credit = nth(credits, c.credit);
      if (credit !== undefined) await as(api.patch(`/v1/credits/${credit}`)).send({ name: c.name });
      return;
    }
    case 'deleteCredit': {
      const credit = nth(credits, c.credit);
      if (credit !== undefined) await as(api.delete(`/v1/credits/${credit}`));
      return;
    }
  }
}

/** The consumer: a map per entity from id to slug, and the cursor it polls from. */
const seen = {
  article: new Map<string, string | null>(),
  tag: new Map<string, string | null>(),
  credit: new Map<string, string | null>(),
};
let cursor: string | null = null;

async function poll(): Promise<void> {
  for (;;) {
    const res = await api.get(`/v1/changes?limit=7${cursor ? `&since=${cursor}` : ''}`).expect(200);
    for (const e of res.body.data as { type: string; entity: keyof typeof seen; id: string; slug: string | null }[]) {
      if (e.type === 'upsert') seen[e.entity].set(e.id, e.slug);
      else seen[e.entity].delete(e.id);
    }
    cursor = res.body.meta.next_cursor;
    if (!res.body.meta.has_more) return;
  }
}

/** Every item of a list, every page, as a reader (no token) gets it. */
async function listed<T>(path: '/v1/articles' | '/v1/tags' | '/v1/credits'): Promise<T[]> {
  const found: T[] = [];
  let next: string | null = null;
  do {
    const { body } = await api.get(`${path}?limit=2${next ? `&cursor=${next}` : ''}`).expect(200);
    const page = body as { data: T[]; meta: { next_cursor: string | null } };
    found.push(...page.data);
    next = page.meta.next_cursor;
  } while (next);
  return found;
}

const publicArticles = async () =>
  new Map((await listed<{ id: string; slug: string }>('/v1/articles')).map((a) => [a.id, a.slug]));

/** Tags go over the wire by slug alone; the feed names them by id too, so the ids are looked up. */
async function publicTags(): Promise<Map<string, string | null>> {
  const slugs = (await listed<{ slug: string }>('/v1/tags')).map((t) => t.slug);
  const ids = await probe.rows<{ id: number; slug: string }>(sql`SELECT id, slug FROM tags`);
  const idOf = new Map(ids.map((r) => [r.slug, String(r.id)]));
  return new Map(slugs.map((slug) => [idOf.get(slug) ?? `no tag ${slug}`, slug]));
}

const publicCredits = async () =>
  new Map((await listed<{ id: number }>('/v1/credits')).map((c) => [String(c.id), null]));

describe('the change feed', () => {
  it('leaves a consumer that applies it in order with exactly the public content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        for (const c of commands) await run(c);
        await poll();
        expect(seen.article).toEqual(await publicArticles());
        expect(seen.tag).toEqual(await publicTags());
        expect(seen.credit).toEqual(await publicCredits());
      }),
      { numRuns: 20 },
    );
  });
});
