/**
 * A private column added to a row must never reach a public response: every public body, cached
 * or not, is serialized through its declared schema, which drops what it does not name. Here the
 * services return objects with extra private fields, at the top and nested, as a careless
 * repository change would.
 */
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, createServices } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { renderDocuments } from '../../src/modules/articles/documents.js';
import { openTestEngine } from '../helpers/engine.js';
import { createPublishedArticle, TEST_ACTOR } from '../helpers/factories.js';

const LEAK = { author_email: 'leak@private.example', secret: 'private-column' };

/** The value with private fields added to it and to every object inside it. */
function leaky<T>(value: T): T {
  if (Array.isArray(value)) return value.map(leaky) as T;
  if (value === null || typeof value !== 'object') return value;
  return { ...Object.fromEntries(Object.entries(value).map(([k, v]) => [k, leaky(v)])), ...LEAK } as T;
}

const database = await openTestEngine();
const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0, TRUST_PROXY: true });
const services = createServices(database.engine, undefined, config);
const article = await createPublishedArticle(services, {
  title: 'Schema guard',
  body: 'Guarded body',
  tags: ['Guarded'],
  credits: [{ role: 'source', name: 'Guarded Source' }],
});
await services.comments.create(
  article.slug,
  { author_name: 'Ada', author_email: 'ada@example.org', body: 'Hi' },
  '10.0.0.1',
);
const queued = await services.moderation.queue({ status: 'pending', article: article.id, limit: 10 });
await services.moderation.moderate(queued.data[0]?.id ?? 0, { status: 'approved' }, TEST_ACTOR.name);

// What the public should see, read before the services start leaking.
const honestApp = await buildApp({ config, engine: database.engine, services });
await honestApp.ready();
const honest = supertest(honestApp.server);
const urls = [
  `/v1/articles/${article.slug}`,
  '/v1/articles',
  '/v1/articles?q=guarded',
  '/v1/tags',
  '/v1/tags/guarded',
  '/v1/credits',
  `/v1/credits/${article.credits[0]?.credit_id}`,
  `/v1/articles/${article.slug}/comments`,
];

const leaking = createServices(database.engine, undefined, config);
/** Replaces a service method by one that returns the same data with private fields added. */
function leakFrom<O extends object, K extends keyof O>(service: O, name: K) {
  const original = (service[name] as (...args: unknown[]) => Promise<unknown>).bind(service);
  service[name] = (async (...args: unknown[]) => leaky(await original(...args))) as O[K];
}
leakFrom(leaking.articles, 'findPublished');
leakFrom(leaking.articles, 'listPublished');
leakFrom(leaking.search, 'search');
leakFrom(leaking.tags, 'get');
leakFrom(leaking.tags, 'list');
leakFrom(leaking.credits, 'get');
leakFrom(leaking.credits, 'list');
leakFrom(leaking.comments, 'listApproved');
const app = await buildApp({ config, engine: database.engine, services: leaking });
await app.ready();
const api = supertest(app.server);
afterAll(async () => {
  await app.close();
  await honestApp.close();
  await database.close();
});

describe('public responses with private fields in the data', () => {
  it('the services really do return the private fields', async () => {
    const tag = await leaking.tags.get('guarded', 'public');
    expect(tag).toMatchObject(LEAK);
  });

  for (const url of urls) {
    it(`${url} answers exactly the declared shape, first from the handler and then from the cache`, async () => {
      const want = (await honest.get(url)).body;
      const miss = await api.get(url);
      const hit = await api.get(url);
      expect(miss.status).toBe(200);
      expect(miss.headers['x-cache']).toBeUndefined();
      expect(hit.headers['x-cache']).toBe('hit');
      expect(miss.body).toEqual(want);
      expect(hit.body).toEqual(want);
      expect(miss.text).not.toContain('private');
    });
  }

  // Published articles and list pages are sent as stored documents (src/modules/articles/documents.ts):
  // what guards those URLs is the render, which must drop what a careless read adds at any level.
  it('renders stored article documents and teasers without private fields in the rows', async () => {
    const repo = database.engine.store.articles;
    const source = await repo.findDocumentSource(article.id);
    if (!source) throw new Error('the article is published');
    const tags = (await repo.tagsFor([article.id])).get(article.id) ?? [];
    const credits = (await repo.creditsFor([article.id])).get(article.id) ?? [];
    expect(tags).toHaveLength(1);
    expect(credits).toHaveLength(1);
    const honestDocuments = renderDocuments(source.row, tags, credits);
    const leaked = renderDocuments({ ...source.row, ...LEAK }, leaky(tags), leaky(credits));
    expect(leaked).toEqual(honestDocuments);
    expect(JSON.parse(leaked.body)).toEqual((await honest.get(`/v1/articles/${article.slug}`)).body);
    expect(`${leaked.body}${leaked.teaser}`).not.toContain('private');
  });
});
