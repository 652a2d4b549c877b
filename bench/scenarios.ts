import type { DriverTask } from './driver.js';

export interface Scenario {
  name: string;
  /** Which Fjord server answers: the one as configured, or one started with RESPONSE_CACHE_BYTES=0. */
  server?: 'uncached';
  /** Path and method against Fjord; null when the scenario cannot run on this branch yet. */
  request: Omit<DriverTask, 'url' | 'connections' | 'duration'> & { path: string; expect: number };
  unavailable?: string;
}

export interface ScenarioContext {
  slug: string;
  editorToken: string;
  etag: string;
  /** The cursor DEEP_LIST articles down; null when the list is shorter. */
  deepCursor: string | null;
  tag: string;
  /** A query matching a few percent of articles, as a reader's search does. */
  query: string;
  /** Words the generator puts in most articles: the worst case of ranking every match. */
  commonQuery: string;
}

/** How deep the deep-cursor scenario reads into the list. */
export const DEEP_LIST = 5_000;

const get = (path: string, headers: Record<string, string> = {}, expect = 200) => ({
  path,
  method: 'GET' as const,
  headers,
  expect,
});

/** Every scenario of the benchmark, in the order of the printed table. */
export function scenarios(c: ScenarioContext): Scenario[] {
  return [
    { name: 'article by slug', request: get(`/v1/articles/${c.slug}`) },
    {
      name: 'article by slug, If-None-Match → 304',
      request: get(`/v1/articles/${c.slug}`, { 'if-none-match': c.etag }, 304),
    },
    // The cache keeps the compressed body: this measures serving it, not compressing it.
    { name: 'article by slug, br', request: get(`/v1/articles/${c.slug}`, { 'accept-encoding': 'br, gzip' }) },
    { name: 'article by slug, cache disabled', server: 'uncached', request: get(`/v1/articles/${c.slug}`) },
    // Lists and searches are measured without the response cache, so they show the queries' cost.
    { name: 'first list page', server: 'uncached', request: get('/v1/articles') },
    {
      name: `list page ${DEEP_LIST.toLocaleString('en')} deep (cursor)`,
      server: 'uncached',
      request: get(`/v1/articles?cursor=${c.deepCursor ?? ''}`),
      ...(c.deepCursor === null ? { unavailable: `the list is shorter than ${DEEP_LIST} articles` } : {}),
    },
    { name: `tag filter (${c.tag})`, server: 'uncached', request: get(`/v1/articles?tag=${c.tag}`) },
    {
      name: `search "${c.query}"`,
      server: 'uncached',
      request: get(`/v1/articles?q=${encodeURIComponent(c.query)}`),
    },
    {
      name: `search "${c.commonQuery}" (most articles match)`,
      server: 'uncached',
      request: get(`/v1/articles?q=${encodeURIComponent(c.commonQuery)}`),
    },
    {
      name: 'comment POST',
      request: {
        path: `/v1/articles/${c.slug}/comments`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'comment',
        expect: 202,
      },
    },
    {
      name: 'revision POST',
      request: {
        path: '/v1/articles',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.editorToken}` },
        body: 'revision',
        expect: 201,
      },
    },
  ];
}

/** The cursor of the page that starts `depth` articles down the newest-first list. */
export async function cursorAt(baseUrl: string, depth: number): Promise<string> {
  let cursor: string | null = null;
  for (let seen = 0; seen < depth; seen += 100) {
    const url = `${baseUrl}/v1/articles?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await (await fetch(url)).json()) as { meta: { next_cursor: string | null } };
    if (!page.meta.next_cursor) throw new Error(`the list ends before ${depth} articles`);
    cursor = page.meta.next_cursor;
  }
  return cursor as string;
}
