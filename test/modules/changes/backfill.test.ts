/**
 * A site that existed before the outbox: migration 0009 gives its published articles, and the
 * tags and credits they carry, their upserts, so a consumer reading the feed from the beginning
 * starts complete; a tag or credit only drafts name stays out, as readers cannot see it.
 * @sqlite-only: the SQLite migration is applied in two steps, from a copy of the folder cut after
 * 0008; the PostgreSQL migration runs the same backfill.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.js';
import { MIGRATIONS_FOLDER, runMigrations } from '../../../src/db/migrate.js';
import { createChangesRepository } from '../../../src/modules/changes/repository.js';
import { createChangesService } from '../../../src/modules/changes/service.js';

/** The migrations up to and including `last`, as a folder of their own. */
function migrationsUpTo(last: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'fjord-migrations-'));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const end = journal.entries.findIndex((e) => e.tag === last);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, end + 1) }));
  return folder;
}

describe('migration 0009 on an existing site', () => {
  let folder = '';
  let handle: ReturnType<typeof openDatabase> | null = null;
  afterAll(() => {
    handle?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('gives the published articles and the tags and credits they carry their upserts, and drafts none', async () => {
    folder = migrationsUpTo('0008_comment_duplicates');
    handle = openDatabase(':memory:');
    const { db } = handle;
    expect(runMigrations(db, folder)).toBe(9);
    db.run(sql`
      INSERT INTO articles (id, slug, lang, status, head_revision, published_revision, published_at,
                            published_updated_at, title, created_at, updated_at)
      VALUES ('a-published', 'old-news', 'en', 'published', 2, 2, 1000, 3000, 'Old news', 1000, 3000),
             ('a-draft', 'secret-draft', 'en', 'draft', 1, NULL, NULL, NULL, NULL, 1000, 1000)`);
    db.run(sql`INSERT INTO tags (slug, name, created_at, updated_at)
               VALUES ('fjords', 'Fjords', 500, 600), ('draft-only', 'Draft only', 500, 500)`);
    db.run(
      sql`INSERT INTO credits (name, created_at, updated_at) VALUES ('Ben Wicks', 700, 800), ('Unseen', 700, 700)`,
    );
    db.run(
      sql`INSERT INTO article_tags (article_id, tag_id, position, published_at) VALUES ('a-published', 1, 0, 1000)`,
    );
    db.run(
      sql`INSERT INTO article_credits (article_id, credit_id, role, position) VALUES ('a-published', 1, 'image', 0)`,
    );

    // Up to 0009 alone: later migrations are not this test's subject.
    const through0009 = migrationsUpTo('0009_outbox_webhooks_previews');
    try {
      expect(runMigrations(db, through0009)).toBe(1);
    } finally {
      rmSync(through0009, { recursive: true, force: true });
    }

    const feed = createChangesService({ repo: createChangesRepository(db) });
    expect(await feed.list({ limit: 100 })).toEqual({
      data: [
        { sequence: 1, type: 'upsert', entity: 'tag', id: '1', slug: 'fjords', at: new Date(600).toISOString() },
        { sequence: 2, type: 'upsert', entity: 'credit', id: '1', slug: null, at: new Date(800).toISOString() },
        {
          sequence: 3,
          type: 'upsert',
          entity: 'article',
          id: 'a-published',
          slug: 'old-news',
          at: new Date(3000).toISOString(),
        },
      ],
      meta: { next_cursor: expect.any(String), has_more: false },
    });
    expect(db.all(sql`SELECT type, entity_id FROM events ORDER BY id`)).toEqual([
      { type: 'tag.published', entity_id: '1' },
      { type: 'credit.published', entity_id: '1' },
      { type: 'article.published', entity_id: 'a-published' },
    ]);
    const [published] = db.all<{ data: string }>(sql`SELECT data FROM events WHERE entity = 'article'`);
    expect(JSON.parse(published?.data ?? '')).toEqual({
      id: 'a-published',
      slug: 'old-news',
      title: 'Old news',
      revision: 2,
    });
  });
});
