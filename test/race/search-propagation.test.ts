/**
 * A write on one node reaches the other node's search result cache: two apps on one database (two
 * connections to one SQLite file, or two pools on one PostgreSQL database), both without the
 * response cache, so every search reaches the search service. SQLite nodes notice other
 * connections' commits before each lookup; PostgreSQL nodes hear of them, so the other node is
 * polled until a deadline, as in propagation.test.ts.
 */
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, createServices } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import type { Engine } from '../../src/engine/engine.js';
import { createSearchCache } from '../../src/modules/search/cache.js';
import type { SearchRunner } from '../../src/modules/search/runner.js';
import { createSearchService, type SearchAnswer } from '../../src/modules/search/service.js';
import { openSibling, openTestEngine, TEST_ENGINE } from '../helpers/engine.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';
import { tempDir } from '../helpers/file-app.js';

const PURGE_WITHIN_MS = 1_000;
const SLACK_MS = 1_000;

const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0, RESPONSE_CACHE_BYTES: 0 });

/** A node whose searches that reach the database are counted. */
async function buildNode(engine: Engine) {
  const counter = { searches: 0 };
  const runner: SearchRunner = {
    findMatches: (query) => {
      counter.searches += 1;
      return engine.work.search.findMatches(query);
    },
  };
  const built = createServices(engine, undefined, config);
  const services = {
    ...built,
    search: createSearchService({
      runner,
      articles: engine.store.articles,
      cache: createSearchCache<SearchAnswer>(engine, built.changes),
    }),
  };
  const app = await buildApp({ config, engine, services });
  await app.ready();
  return { app, services, counter, api: supertest(app.server) };
}

const first = await openTestEngine(
  TEST_ENGINE === 'sqlite' ? { path: join(tempDir('fjord-search-'), 'shared.db') } : {},
);
const second = await openSibling(first);
const a = await buildNode(first.engine);
const b = await buildNode(second);
afterAll(async () => {
  await a.app.close();
  await b.app.close();
  await second.close();
  await first.close();
});
const editor = await createToken(a.services, 'editor');

type Node = typeof b;
const slugsOn = async (node: Node, q: string) =>
  (await node.api.get('/v1/articles').query({ q }).expect(200)).body.data.map((x: { slug: string }) => x.slug);

/** Searches `q` on `node` until `done` holds or the deadline passes; returns the last slugs. */
async function pollUntil(node: Node, q: string, deadline: number, done: (slugs: string[]) => boolean) {
  for (;;) {
    const slugs = await slugsOn(node, q);
    if (done(slugs) || Date.now() >= deadline) return slugs;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a write on one node', () => {
  it('purges the other node’s cached search: an article published there is found', async () => {
    const before = await createPublishedArticle(a.services, { title: 'Fonte des glaces', body: 'Calving.' });
    expect(await slugsOn(b, 'calving')).toEqual([before.slug]);
    const searched = b.counter.searches;
    expect(await slugsOn(b, 'calving')).toEqual([before.slug]);
    // Answered from the cache: nothing changed since.
    expect(b.counter.searches).toBe(searched);

    const added = await createPublishedArticle(a.services, { title: 'Vêlage', body: 'Calving again.' });
    const deadline = Date.now() + PURGE_WITHIN_MS + SLACK_MS;
    const seen = await pollUntil(b, 'calving', deadline, (slugs) => slugs.includes(added.slug));
    expect(seen.sort()).toEqual([before.slug, added.slug].sort());
  });

  it('drops an article unpublished on the other node from a cached search', async () => {
    const article = await createPublishedArticle(a.services, { title: 'Banquise', body: 'Pack ice.' });
    await slugsOn(b, 'banquise');
    expect(await slugsOn(b, 'banquise')).toEqual([article.slug]);
    await a.api.post(`/v1/articles/${article.id}/unpublish`).set('authorization', editor.header).expect(200);
    const deadline = Date.now() + PURGE_WITHIN_MS + SLACK_MS;
    expect(await pollUntil(b, 'banquise', deadline, (slugs) => slugs.length === 0)).toEqual([]);
  });

  it('shows a revision published on the other node', async () => {
    const article = await createPublishedArticle(a.services, { title: 'Iceberg', body: 'Tabular.' });
    expect(await slugsOn(b, 'growler')).toEqual([]);
    const revision = await a.api
      .post(`/v1/articles/${article.id}/revisions`)
      .set('authorization', editor.header)
      .send({ base_revision: 1, body: 'Tabular, then a growler.' })
      .expect(201);
    await a.api
      .post(`/v1/articles/${article.id}/publish`)
      .set('authorization', editor.header)
      .send({ revision: revision.body.revision })
      .expect(200);
    const deadline = Date.now() + PURGE_WITHIN_MS + SLACK_MS;
    expect(await pollUntil(b, 'growler', deadline, (slugs) => slugs.length > 0)).toEqual([article.slug]);
  });
});
