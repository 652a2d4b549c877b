/**
 * `fjord generate` on the engine of the vitest project (see test/helpers/engine.ts): one seed gives
 * the same rows as on SQLite, and the app serves them. On the sqlite project both sides are SQLite.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed as seedDemo } from '../../../seeds/index.js';
import { buildApp, createServices } from '../../../src/app.js';
import { defaultConfig } from '../../../src/config.js';
import { openSqliteEngine } from '../../../src/engine/sqlite.js';
import { runGenerate } from '../../../src/modules/generator/cli.js';
import { type DemoSeed, generate } from '../../../src/modules/generator/generate.js';
import { openTestEngine, type Probe, sql, TEST_ENGINE, type TestEngine } from '../../helpers/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'fjord-generate-engines-'));
const OPTIONS = { articles: 60, comments: 500, seed: 11 };
const SEED_SLUG = 'openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne';
const noDemo: DemoSeed = async () => [];
const demo: DemoSeed = (engine) => seedDemo(createServices(engine));

/** Every generated row, in SQL both engines read alike: booleans as 0/1, tags by slug, a stable order. */
const CONTENT = [
  sql`select id, slug, lang, status, head_revision, published_revision, published_at,
      case when comments_open then 1 else 0 end as comments_open, comment_count, title, standfirst, body,
      body_html, hero_image, source, case when ai_generated then 1 else 0 end as ai_generated,
      published_updated_at, created_at, updated_at
    from articles order by id`,
  sql`select slug, article_id, public_at, created_at from article_slugs order by slug`,
  sql`select article_id, number, snapshot, changed_fields, message, author, author_token_id, merged_onto, created_at
    from article_revisions order by article_id, number`,
  sql`select at.article_id, t.slug, t.name, at.position, at.published_at
    from article_tags at join tags t on t.id = at.tag_id order by at.article_id, at.position`,
  sql`select id, name, organization, url, license from credits order by id`,
  sql`select article_id, credit_id, role, position from article_credits order by article_id, position, role`,
  sql`select id, article_id, parent_id, depth, author_name, author_email, ip_hash, author_key_hash, body, status,
      spam_reasons, erased_at, created_at, updated_at
    from comments order by id`,
  sql`select id, comment_id, actor, from_status, to_status, note, at from comment_moderation_log order by id`,
  sql`select article_id from search_documents order by article_id`,
];

async function contentHash(probe: Probe): Promise<string> {
  const hash = createHash('sha256');
  for (const query of CONTENT) {
    for (const row of await probe.rows(query)) hash.update(JSON.stringify(row));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/**
 * A database of the project's engine, generated. A SQLite file is generated before the test opens
 * it (the bulk load changes the journal mode, which needs the only connection); a PostgreSQL
 * database is created first, then generated into.
 */
async function generated(
  file: string,
  options: { articles: number; comments: number; seed: number },
  seed: DemoSeed,
): Promise<TestEngine> {
  if (TEST_ENGINE === 'sqlite') {
    await generate({ ...options, database: join(dir, file) }, seed);
    return openTestEngine({ path: join(dir, file) });
  }
  const target = await openTestEngine();
  await generate({ ...options, database: target.location }, seed);
  return target;
}

const count = async (probe: Probe, table: string) =>
  Number((await probe.rows<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0]?.n);

describe('fjord generate on each engine', () => {
  let target: TestEngine;
  let reference: ReturnType<typeof openSqliteEngine>;
  let referenceProbe: Probe;

  beforeAll(async () => {
    target = await generated('target.db', OPTIONS, noDemo);
    await generate({ ...OPTIONS, database: join(dir, 'reference.db') }, noDemo);
    reference = openSqliteEngine(join(dir, 'reference.db'), { workBudgetMs: 1000 });
    referenceProbe = { rows: async (query) => reference.handle.db.all(query), run: async () => {} };
  }, 60_000);
  afterAll(async () => {
    await reference?.close();
    await target?.close();
  });

  it('writes the rows SQLite gets from the same seed', async () => {
    for (const table of ['articles', 'article_revisions', 'article_tags', 'comments', 'comment_moderation_log']) {
      expect(await count(target.probe, table), table).toBe(await count(referenceProbe, table));
    }
    expect(await count(target.probe, 'articles')).toBe(OPTIONS.articles);
    expect(await count(target.probe, 'comments')).toBe(OPTIONS.comments);
    expect(await contentHash(target.probe)).toBe(await contentHash(referenceProbe));
  });

  it('indexes every published article for search, and nothing else', async () => {
    const [row] = await target.probe.rows<{ n: number }>(
      sql`select count(*) as n from articles a
        where (a.status = 'published') != exists (select 1 from search_documents d where d.article_id = a.id)`,
    );
    expect(Number(row?.n)).toBe(0);
  });

  it('announces every published article, and every tag and credit one carries, once, so the feed of a generated site is complete', async () => {
    const sorted = (rows: { entity: string; entity_id: string; slug: string | null }[]) =>
      rows.map((r) => `${r.entity} ${r.entity_id} ${r.slug}`).sort();
    const announced = await target.probe.rows<{ entity: string; entity_id: string; slug: string | null }>(
      sql`select entity, entity_id, slug from events where feed = 'upsert'`,
    );
    const existing = await target.probe.rows<{ entity: string; entity_id: string; slug: string | null }>(
      sql`select 'article' as entity, id as entity_id, slug from articles where status = 'published'
        union all select 'tag', cast(id as text), slug from tags t
          where exists (select 1 from article_tags l where l.tag_id = t.id)
        union all select 'credit', cast(id as text), null from credits c
          where exists (select 1 from article_credits l where l.credit_id = c.id)`,
    );
    expect(existing.filter((r) => r.entity === 'article').length).toBeGreaterThan(0);
    expect(sorted(announced)).toEqual(sorted(existing));
  });

  it('leaves the ids sequences past the generated rows, so the server can add comments', async () => {
    const [row] = await target.probe.rows<{ n: number }>(sql`select max(id) as n from comments`);
    expect(Number(row?.n)).toBe(OPTIONS.comments);
    if (target.engine.kind === 'postgres') {
      const [next] = await target.probe.rows<{ id: number }>(
        sql`select nextval(pg_get_serial_sequence('comments', 'id')) as id`,
      );
      expect(Number(next?.id)).toBeGreaterThan(OPTIONS.comments);
    }
  });
});

describe('fjord generate with the demo seed', () => {
  let target: TestEngine;
  beforeAll(async () => {
    target = await generated('demo.db', { articles: 6, comments: 30, seed: 2 }, demo);
  }, 60_000);
  afterAll(async () => {
    await target?.close();
  });

  it('puts the demo article beside the generated ones, and the app serves both', async () => {
    expect(await count(target.probe, 'articles')).toBe(7);
    const published = await target.probe.rows<{ slug: string; comment_count: number }>(
      sql`select slug, comment_count from articles where status = 'published' order by slug`,
    );
    expect(published.map((a) => a.slug)).toContain(SEED_SLUG);
    const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0 });
    const app = await buildApp({ config, engine: target.engine });
    try {
      for (const { slug, comment_count } of published) {
        const response = await app.inject({ method: 'GET', url: `/v1/articles/${slug}` });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ slug, comment_count: Number(comment_count) });
      }
      const search = await app.inject({
        method: 'GET',
        url: `/v1/articles?q=${encodeURIComponent('souveraineté numérique')}`,
      });
      expect(search.statusCode).toBe(200);
      expect(search.json().data.length).toBeGreaterThan(1);
    } finally {
      await app.close();
    }
  });
});

describe('fjord generate from the configuration', () => {
  it('fills the database DATABASE_URL names, else the file DATABASE_PATH names', async () => {
    const text = { stdout: '', stderr: '' };
    const out = {
      stdout: { write: (chunk: string) => (text.stdout += chunk) },
      stderr: { write: (chunk: string) => (text.stderr += chunk) },
    };
    const argv = ['--articles', '4', '--comments', '10'];
    let target: TestEngine;
    if (TEST_ENGINE === 'sqlite') {
      const file = join(dir, 'configured.db');
      expect(await runGenerate(argv, { DATABASE_PATH: file }, out, noDemo)).toBe(0);
      target = await openTestEngine({ path: file });
    } else {
      target = await openTestEngine();
      const env = { DATABASE_URL: target.location, DATABASE_PATH: join(dir, 'not-this.db') };
      expect(await runGenerate(argv, env, out, noDemo)).toBe(0);
    }
    try {
      expect(text.stdout).toContain('generated 4 articles');
      expect(text.stderr).toMatch(/^generate: 4\/4 articles \(100%\) [\d,]+\/s\n$/);
      expect(await count(target.probe, 'articles')).toBe(4);
      expect(await count(target.probe, 'comments')).toBe(10);
    } finally {
      await target.close();
    }
  });
});
