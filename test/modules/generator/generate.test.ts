import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed as seedDemo } from '../../../seeds/index.js';
import { buildApp, createServices } from '../../../src/app.js';
import { defaultConfig } from '../../../src/config.js';
import { openSqliteEngine } from '../../../src/engine/sqlite.js';
import { runGenerate } from '../../../src/modules/generator/cli.js';
import { type DemoSeed, describeDatabase, generate } from '../../../src/modules/generator/generate.js';
import { renderMarkdown } from '../../../src/shared/markdown.js';

const dir = mkdtempSync(join(tmpdir(), 'fjord-generate-'));
const path = (name: string) => join(dir, name);
const OPTIONS = { articles: 200, comments: 2_000, seed: 7 };
const demo: DemoSeed = (engine) => seedDemo(createServices(engine));
const SEED_SLUG = 'openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne';

/** A hash of everything generated; the demo article is left out, since its id and dates come from the clock. */
function contentHash(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true });
  const hash = createHash('sha256');
  const seedId = (db.prepare('select id from articles where slug = ?').get(SEED_SLUG) as { id: string }).id;
  for (const query of [
    'select * from articles where id != ? order by id',
    'select * from article_revisions where article_id != ? order by article_id, number',
    'select * from article_tags where article_id != ? order by article_id, tag_id',
    'select * from article_credits where article_id != ? order by article_id, credit_id, role',
    'select c.* from comments c where c.article_id != ? order by id',
    'select l.* from comment_moderation_log l join comments c on c.id = l.comment_id where c.article_id != ? order by l.id',
  ]) {
    for (const row of db.prepare(query).iterate(seedId)) hash.update(JSON.stringify(row));
  }
  db.close();
  return hash.digest('hex');
}

describe('fjord generate', () => {
  let sqlite: BetterSqlite3.Database;
  beforeAll(async () => {
    await generate({ ...OPTIONS, database: path('a.db') }, demo);
    sqlite = new BetterSqlite3(path('a.db'), { readonly: true });
  });
  afterAll(() => sqlite.close());
  const all = <T>(query: string) => sqlite.prepare(query).all() as T[];
  const value = (query: string) => sqlite.prepare(query).pluck().get();

  it('writes the articles and comments asked for, beside the demo article', () => {
    expect(value('select count(*) from articles')).toBe(OPTIONS.articles + 1);
    expect(value('select count(*) from comments')).toBe(OPTIONS.comments);
    expect(value('select count(*) from articles where slug = ?'.replace('?', `'${SEED_SLUG}'`))).toBe(1);
    const statuses = all<{ status: string }>('select distinct status from comments order by 1').map((r) => r.status);
    expect(statuses).toEqual(['approved', 'pending', 'rejected', 'spam']);
    const articleStatuses = all<{ status: string }>('select distinct status from articles order by 1');
    expect(articleStatuses.map((r) => r.status)).toEqual(['archived', 'draft', 'published']);
  });

  it('numbers revisions 1..head and publishes the head or an earlier one', () => {
    expect(value('select max(head_revision) from articles')).toBeGreaterThan(1);
    const gaps = value(`select count(*) from articles a where head_revision !=
      (select count(*) from article_revisions r where r.article_id = a.id)
      or head_revision != (select max(number) from article_revisions r where r.article_id = a.id)`);
    expect(gaps).toBe(0);
    expect(value('select count(*) from articles where published_revision < head_revision')).toBeGreaterThan(0);
    expect(value("select count(*) from articles where status = 'draft' and published_revision is not null")).toBe(0);
  });

  it('keeps comment_count equal to the approved comments, threads replies two deep under approved parents', () => {
    expect(
      value(`select count(*) from articles a where comment_count !=
        (select count(*) from comments c where c.article_id = a.id and c.status = 'approved')`),
    ).toBe(0);
    expect(value('select max(depth) from comments')).toBe(2);
    expect(
      value(`select count(*) from comments c join comments p on p.id = c.parent_id
        where p.article_id != c.article_id or p.status != 'approved' or c.depth != p.depth + 1`),
    ).toBe(0);
    expect(value('select count(*) from comments where author_email != lower(author_email)')).toBe(0);
    expect(
      value(`select count(*) from comments c where (c.status = 'pending') =
        exists (select 1 from comment_moderation_log l where l.comment_id = c.id)`),
    ).toBe(0);
    expect(value("select count(*) from comments where status = 'spam' and spam_reasons = '[]'")).toBe(0);
  });

  it('leaves a database that passes the integrity and foreign key checks', () => {
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(value('pragma journal_mode')).toBe('wal');
  });

  it('gives the same content for the same seed, and other content for another', async () => {
    await generate({ ...OPTIONS, database: path('b.db') }, demo);
    await generate({ ...OPTIONS, seed: 8, database: path('c.db') }, demo);
    expect(contentHash(path('b.db'))).toBe(contentHash(path('a.db')));
    expect(contentHash(path('c.db'))).not.toBe(contentHash(path('a.db')));
  });

  it('serves every published article through the real app, with HTML rendered from its Markdown', async () => {
    const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0 });
    const engine = openSqliteEngine(path('a.db'), { workBudgetMs: config.WORK_BUDGET_MS });
    const app = await buildApp({ config, engine });
    try {
      const published = all<{ slug: string; comment_count: number }>(
        "select slug, comment_count from articles where status = 'published'",
      );
      for (const { slug, comment_count } of published) {
        const response = await app.inject({ method: 'GET', url: `/v1/articles/${slug}` });
        expect(response.statusCode).toBe(200);
        const article = response.json();
        expect(article).toMatchObject({ slug, comment_count, revision: expect.any(Number) });
        expect(article.title.length).toBeGreaterThan(0);
        expect(article.tags.length).toBeGreaterThan(0);
        expect(article.credits).toContainEqual(expect.objectContaining({ role: 'image' }));
        expect(article.body_html).toBe(renderMarkdown(article.body));
      }
      const list = await app.inject({ method: 'GET', url: '/v1/articles?limit=100' });
      expect(list.json().data).toHaveLength(100);
      const search = await app.inject({
        method: 'GET',
        url: `/v1/articles?q=${encodeURIComponent('souveraineté numérique')}`,
      });
      expect(search.statusCode).toBe(200);
      expect(search.json().data.length).toBeGreaterThan(1);
      const comments = await app.inject({
        method: 'GET',
        url: `/v1/articles/${published[1]?.slug}/comments?limit=100`,
      });
      expect(comments.statusCode).toBe(200);
    } finally {
      await app.close();
      await engine.close();
    }
  });
});

describe('runGenerate', () => {
  const output = () => {
    const text = { stdout: '', stderr: '' };
    return {
      text,
      out: {
        stdout: { write: (s: string) => (text.stdout += s) },
        stderr: { write: (s: string) => (text.stderr += s) },
      },
    };
  };

  it('exits 64 with one line naming the fix on an unknown option or a bad number', async () => {
    const help = '(see fjord generate --help)';
    for (const [argv, stderr] of [
      [['--articels', '5'], `fjord: unknown option "--articels"; did you mean --articles? ${help}\n`],
      [['--articles', 'many'], `fjord: --articles must be a whole number from 0 to 1_000_000, not "many" ${help}\n`],
      [
        ['--articles', '99999999999999999999'],
        `fjord: --articles must be from 0 to 1_000_000, not 99999999999999999999 ${help}\n`,
      ],
      [['--articles', '1_000_001'], `fjord: --articles must be from 0 to 1_000_000, not 1_000_001 ${help}\n`],
      [['--comments', '100000001'], `fjord: --comments must be from 0 to 100_000_000, not 100000001 ${help}\n`],
      [['--seed', '4294967296'], `fjord: --seed must be from 0 to 4_294_967_295, not 4294967296 ${help}\n`],
      [['--seed'], `fjord: option "--seed <n>" argument missing ${help}\n`],
      [['--database', ':memory:'], `fjord: --database must be a file ${help}\n`],
    ] as const) {
      const { text, out } = output();
      expect(await runGenerate([...argv], {}, out, demo)).toBe(64);
      expect(text).toEqual({ stdout: '', stderr });
    }
  });

  it('reports progress on stderr, a line per tenth with counts and a rate, when stderr is no terminal', async () => {
    const { text, out } = output();
    const argv = ['--articles', '600', '--comments', '0', '--database', path('progress.db')];
    expect(await runGenerate(argv, {}, out, demo)).toBe(0);
    expect(text.stdout).toMatch(/^generated 600 articles \(\d+ published\) and 0 comments in [\d.]+ s into /);
    const lines = text.stderr.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^generate: 500\/600 articles \(83%\) [\d,]+\/s$/);
    expect(lines[1]).toMatch(/^generate: 600\/600 articles \(100%\) [\d,]+\/s$/);
    expect(lines[2]).toBe('');
  });

  it('draws a bar on a terminal, and nothing with --quiet', async () => {
    const tty = output();
    const out = { ...tty.out, stderr: { ...tty.out.stderr, isTTY: true } };
    expect(
      await runGenerate(['--articles', '600', '--comments', '0', '--database', path('bar.db')], {}, out, demo),
    ).toBe(0);
    expect(tty.text.stderr).toMatch(/\rgenerate \[#{24}\] 600\/600 articles \(100%\) [\d,]+\/s\u001b\[K\n$/);
    expect(tty.text.stderr).not.toContain('\n\r');

    const quiet = output();
    const argv = ['--articles', '3', '--comments', '0', '--quiet', '--database', path('quiet.db')];
    expect(await runGenerate(argv, {}, quiet.out, demo)).toBe(0);
    expect(quiet.text.stderr).toBe('');
  });

  it('names a PostgreSQL database without its password', () => {
    expect(describeDatabase('postgres://fjord:s3cret@db.example:5432/fjord')).toBe(
      'postgres://fjord:***@db.example:5432/fjord',
    );
    expect(describeDatabase('./data/fjord.db')).toBe('./data/fjord.db');
  });

  it('leaves no database file behind when a run fails half-way, so a server start never takes one for a database', async () => {
    const file = path('failed.db');
    const stopAfterFirstBatch = () => {
      throw new Error('disk full');
    };
    await expect(
      generate({ articles: 600, comments: 0, seed: 1, database: file, onProgress: stopAfterFirstBatch }, demo),
    ).rejects.toThrow('disk full');
    expect(readdirSync(dir).filter((name) => name.startsWith('failed.db'))).toEqual([]);
    // The same run, let through, makes the file.
    await generate({ articles: 600, comments: 0, seed: 1, database: file }, demo);
    expect(readdirSync(dir).filter((name) => name.startsWith('failed.db'))).toEqual(['failed.db']);
  });

  it('leaves no file when the numbers are refused', async () => {
    const { out } = output();
    const argv = ['--articles', '99999999999999999999', '--database', path('refused.db')];
    expect(await runGenerate(argv, {}, out, demo)).toBe(64);
    expect(existsSync(path('refused.db'))).toBe(false);
  });

  it('refuses a database that already holds content', async () => {
    await generate({ articles: 3, comments: 5, seed: 1, database: path('full.db') }, demo);
    const { text, out } = output();
    expect(await runGenerate(['--articles', '3', '--database', path('full.db')], {}, out, demo)).toBe(1);
    expect(text.stderr).toContain('already holds 4 articles');
  });
});
