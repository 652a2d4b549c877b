/**
 * The same published articles, written through each engine's repositories, must give the same hit
 * sets on SQLite (FTS5) and PostgreSQL (tsvector) for the same parsed queries; ranking of unequal
 * scores may differ, so sets are compared, never orders. PostgreSQL only: the postgres project opens
 * a PostgreSQL database (failing without TEST_DATABASE_URL) beside an in-memory SQLite one.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stargateNorway } from '../../../seeds/stargate-norway.js';
import * as pgSchema from '../../../src/db/pg/schema.js';
import * as sqliteSchema from '../../../src/db/schema.js';
import type { PgEngine } from '../../../src/engine/postgres.js';
import { openSqliteEngine, type SqliteEngine } from '../../../src/engine/sqlite.js';
import type { ArticlesRepository } from '../../../src/modules/articles/repository.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';
import { parseSearch, snippetToHtml } from '../../../src/modules/search/query.js';
import {
  indexDocument,
  removeDocument,
  type SearchHit,
  type SearchQuery,
} from '../../../src/modules/search/repository.js';
import * as pgSearch from '../../../src/modules/search/repository.pg.js';
import type { SearchRunner } from '../../../src/modules/search/runner.js';
import { uuidv7 } from '../../../src/shared/ids.js';
import { slugify } from '../../../src/shared/slug.js';
import { openTestEngine, TEST_ENGINE } from '../../helpers/engine.js';

interface Fixture {
  title: string;
  lang: string;
  standfirst?: string;
  body: string;
  tags?: string[];
  state?: 'published' | 'draft' | 'withdrawn';
}

const FIXTURES: Fixture[] = [
  {
    title: stargateNorway.title,
    lang: 'fr',
    standfirst: stargateNorway.standfirst ?? undefined,
    body: stargateNorway.body,
    tags: stargateNorway.tags,
  },
  {
    title: 'Hydropower in the north',
    lang: 'en',
    body: 'Narvik runs on water. The <script>alert(1)</script> tag is text here.',
    tags: ['Energy'],
  },
  { title: 'A note on Norway', lang: 'en', body: 'Norvège appears once in this body. Write to contact@example.org.' },
  {
    title: 'Souveraineté et œuvre',
    lang: 'fr',
    body: 'Une œuvre sur la souveraineté, version 3.5 du rapport.',
    tags: ['Culture'],
  },
  { title: 'Oeuvre spelled out', lang: 'en', body: 'An oeuvre, written with two letters; straße and Grüße.' },
  {
    title: 'Center data',
    lang: 'en',
    body: 'The center of the data is here, not a data center.',
    tags: ['Data Center'],
  },
  { title: 'Numbers', lang: 'en', body: 'Version 35 and 3 5 apart; 2026 is the year. 𝕏factor and l’été.' },
  { title: 'Alphabets', lang: 'en', body: 'Ёж и άλφα, नमस्ते, 한국어 and 5 µs.' },
  { title: 'Long word', lang: 'en', body: `A blob: ${'ж'.repeat(1500)}, then words.` },
  { title: 'Zanzibar draft', lang: 'en', body: 'zanzibar is only in a draft', state: 'draft' },
  { title: 'Quokka withdrawn', lang: 'en', body: 'quokka was published, then withdrawn', state: 'withdrawn' },
];

/** A query, its filters, and the titles both engines must find (no order). */
const QUERIES: [q: string, filters: { tag?: string; lang?: string }, titles: string[]][] = [
  ['souverainete', {}, [stargateNorway.title, 'Souveraineté et œuvre']],
  ['souveraineté', {}, [stargateNorway.title, 'Souveraineté et œuvre']],
  ['SOUVERAINETÉ', {}, [stargateNorway.title, 'Souveraineté et œuvre']],
  ['norv*', {}, [stargateNorway.title, 'A note on Norway']],
  ['Norvège', {}, [stargateNorway.title, 'A note on Norway']],
  ['norvege', {}, [stargateNorway.title, 'A note on Norway']],
  ['"data center"', {}, [stargateNorway.title, 'Center data']],
  ['"center data"', {}, ['Center data']],
  ['œuvre', {}, ['Souveraineté et œuvre']],
  ['oeuvre', {}, ['Oeuvre spelled out']],
  ['contact@example.org', {}, ['A note on Norway']],
  ['"contact example"', {}, ['A note on Norway']],
  ['example', {}, ['A note on Norway']],
  ['3.5', {}, ['Souveraineté et œuvre', 'Numbers']],
  ['"3 5"', {}, ['Souveraineté et œuvre', 'Numbers']],
  ['35', {}, ['Numbers']],
  ['<script>', {}, ['Hydropower in the north']],
  ['script narvik', {}, ['Hydropower in the north']],
  ['zanzibar', {}, []],
  ['quokka', {}, []],
  ['narvik', { tag: 'energy' }, ['Hydropower in the north']],
  ['narvik', { lang: 'fr' }, [stargateNorway.title]],
  ['narvik', { tag: 'technologie' }, [stargateNorway.title]],
  ['narvik', { tag: 'technologie', lang: 'en' }, []],
  ['strasse', {}, []],
  ['straße', {}, ['Oeuvre spelled out']],
  ['gruße', {}, ['Oeuvre spelled out']],
  ['grusse', {}, []],
  ['𝕏factor', {}, ['Numbers']],
  ['l’été', {}, ['Numbers']],
  ['AND OR', {}, []],
  ['жжжж*', {}, ['Long word']],
  ['blob', {}, ['Long word']],
  ['ёж', {}, ['Alphabets']],
  ['еж', {}, []],
  ['ΆΛΦΑ', {}, ['Alphabets']],
  ['αλφα', {}, []],
  ['नमस्ते', {}, ['Alphabets']],
  ['한국*', {}, ['Alphabets']],
  ['국어', {}, []],
  ['μs', {}, ['Alphabets']],
  ['intelligence artificielle', {}, [stargateNorway.title]],
  ['"artificielle technologie"', {}, [stargateNorway.title]],
  // The title's last word and the first tag are in different columns: no phrase across them.
  ['"north energy"', {}, []],
  ['hy* wa*', {}, ['Hydropower in the north']],
];

interface Engine {
  search: SearchRunner;
  publish(id: string, content: ArticleContent, at: number): Promise<void>;
  withdraw(id: string): Promise<void>;
  articles: ArticlesRepository;
}

function sqliteEngine(engine: SqliteEngine): Engine {
  const { db } = engine.handle;
  const { articles, articleTags, tags } = sqliteSchema;
  return {
    search: engine.work.search,
    articles: engine.store.articles,
    async publish(id, content, at) {
      db.transaction((tx) => {
        tx.update(articles).set(publishedColumns(content, at)).where(eq(articles.id, id)).run();
        content.tags.forEach((tag, position) => {
          const row = tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, tag.slug)).get();
          if (!row) throw new Error(`no tag ${tag.slug}`);
          tx.insert(articleTags).values({ articleId: id, tagId: row.id, position, publishedAt: at }).run();
        });
        indexDocument(tx, id, documentOf(content));
      });
    },
    async withdraw(id) {
      db.transaction((tx) => removeDocument(tx, id));
    },
  };
}

function pgEngine(engine: PgEngine): Engine {
  const { db } = engine.handle;
  const { articles, articleTags, tags } = pgSchema;
  return {
    search: engine.work.search,
    articles: engine.store.articles,
    async publish(id, content, at) {
      await db.transaction(async (tx) => {
        await tx.update(articles).set(publishedColumns(content, at)).where(eq(articles.id, id));
        for (const [position, tag] of content.tags.entries()) {
          const [row] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, tag.slug));
          if (!row) throw new Error(`no tag ${tag.slug}`);
          await tx.insert(articleTags).values({ articleId: id, tagId: row.id, position, publishedAt: at });
        }
        await pgSearch.indexDocument(tx, id, documentOf(content));
      });
    },
    async withdraw(id) {
      await pgSearch.removeDocument(db, id);
    },
  };
}

const publishedColumns = (content: ArticleContent, at: number) => ({
  status: 'published' as const,
  publishedRevision: 1,
  publishedAt: at,
  title: content.title,
  standfirst: content.standfirst,
  body: content.body,
  bodyHtml: '',
  aiGenerated: content.ai_generated,
  publishedUpdatedAt: at,
  updatedAt: at,
});

const documentOf = (content: ArticleContent) => ({
  title: content.title,
  standfirst: content.standfirst,
  body: content.body,
  tags: content.tags.map((t) => t.name),
});

async function seedFixtures(engine: Engine): Promise<void> {
  let at = Date.parse('2026-01-01T00:00:00.000Z');
  for (const fixture of FIXTURES) {
    at += 60_000;
    const id = uuidv7(at);
    const content: ArticleContent = {
      title: fixture.title,
      slug: slugify(fixture.title),
      standfirst: fixture.standfirst ?? null,
      body: fixture.body,
      tags: (fixture.tags ?? []).map((name) => ({ slug: slugify(name), name })),
      credits: [],
      hero_image: null,
      source: null,
      ai_generated: false,
    };
    await engine.articles.insert({
      id,
      lang: fixture.lang,
      commentsOpen: true,
      content,
      author: 't',
      authorTokenId: null,
      message: null,
      at,
    });
    if (fixture.state !== 'draft') await engine.publish(id, content, at);
    if (fixture.state === 'withdrawn') await engine.withdraw(id);
  }
}

const query = (q: string, filters: { tag?: string; lang?: string } = {}, limit = 25): SearchQuery => ({
  parsed: parseSearch(q),
  limit,
  after: null,
  ...filters,
});

const titles = (hits: SearchHit[]) => hits.map((h) => h.article.title).sort();

/** Every hit, a page of one at a time through the keyset cursor. */
async function pageThrough(repo: SearchRunner, q: string): Promise<SearchHit[]> {
  const all: SearchHit[] = [];
  let after: SearchQuery['after'] = null;
  for (let i = 0; i < 20; i++) {
    const { hits, more } = await repo.findMatches({ ...query(q, {}, 1), after });
    const [first] = hits;
    if (!first) break;
    all.push(first);
    if (!more) break;
    after = [first.score, first.rowid];
  }
  return all;
}

const engines: { sqlite?: Engine; postgres?: Engine } = {};
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (TEST_ENGINE !== 'postgres') return;
  const postgres = await openTestEngine();
  cleanup.push(() => postgres.close());
  if (postgres.engine.kind !== 'postgres') throw new Error('the postgres project opened another engine');
  const sqlite = openSqliteEngine(':memory:', { workBudgetMs: 1000 });
  cleanup.push(() => sqlite.close());
  await sqlite.migrate();
  engines.sqlite = sqliteEngine(sqlite);
  engines.postgres = pgEngine(postgres.engine);
  await seedFixtures(engines.sqlite);
  await seedFixtures(engines.postgres);
}, 60_000);

afterAll(async () => {
  for (const step of cleanup) await step();
});

describe.skipIf(TEST_ENGINE !== 'postgres')('search on SQLite and PostgreSQL', () => {
  const both = () => {
    const { sqlite, postgres } = engines;
    if (!sqlite || !postgres) throw new Error('the engines were not set up');
    return { sqlite, postgres };
  };

  it.each(QUERIES)('%j %j finds the same articles on both engines', async (q, filters, expected) => {
    const { sqlite, postgres } = both();
    const onSqlite = titles((await sqlite.search.findMatches(query(q, filters))).hits);
    const onPostgres = titles((await postgres.search.findMatches(query(q, filters))).hits);
    expect(onSqlite).toEqual([...expected].sort());
    expect(onPostgres).toEqual(onSqlite);
  });

  it.each(['norv*', 'narvik', 'data', 'souverainete'])(
    'pages through the hits of %j one at a time, none twice',
    async (q) => {
      const { sqlite, postgres } = both();
      for (const engine of [sqlite, postgres]) {
        const paged = await pageThrough(engine.search, q);
        const whole = (await engine.search.findMatches(query(q))).hits;
        expect(paged.map((h) => h.rowid)).toEqual(whole.map((h) => h.rowid));
        expect(new Set(paged.map((h) => h.rowid)).size).toBe(paged.length);
      }
    },
  );

  it('ranks a title hit above a body hit on both engines', async () => {
    const { sqlite, postgres } = both();
    for (const engine of [sqlite, postgres]) {
      const { hits } = await engine.search.findMatches(query('norvege'));
      expect(hits.map((h) => h.article.title)).toEqual([stargateNorway.title, 'A note on Norway']);
    }
  });

  it('gives escaped snippets with the hits marked on both engines', async () => {
    const { sqlite, postgres } = both();
    for (const engine of [sqlite, postgres]) {
      const [hit] = (await engine.search.findMatches(query('script narvik'))).hits;
      const html = snippetToHtml(hit?.snippet ?? '');
      expect(html).toContain('<mark>Narvik</mark>');
      expect(html).toContain('&lt;<mark>script</mark>&gt;');
      const [accented] = (await engine.search.findMatches(query('souverainete', { lang: 'fr', tag: 'culture' }))).hits;
      expect(snippetToHtml(accented?.snippet ?? '')).toContain('<mark>Souveraineté</mark>');
    }
  });

  it.each(['*** ()', '', '"?!"', '-'])('refuses %j, which holds no word, before either engine runs', (q) => {
    expect(() => parseSearch(q)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
