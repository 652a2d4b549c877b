/**
 * @sqlite-only: PostgreSQL databases start from a schema that has public_at.
 *
 * Migration 0006 decides, for slugs recorded before public_at existed, which ones were public: the
 * current slug of a published article, and any slug a logged publication served.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createDraftArticle, TEST_ACTOR } from '../helpers/factories.js';

const { services, sqlite } = await buildTestApp();
const backfill = readFileSync(new URL('../../migrations/0006_public_slugs.sql', import.meta.url), 'utf8').split(
  '--> statement-breakpoint',
)[1];

async function revise(id: string, base: number, slug: string) {
  await services.revisions.post(id, { slug }, { revision: base }, TEST_ACTOR);
}

describe('the public_slugs backfill', () => {
  it('marks public exactly the slugs readers were served', async () => {
    const renamedDraft = await createDraftArticle(services, { slug: 'bf-working' });
    await revise(renamedDraft.id, 1, 'bf-published');
    await services.publishing.publish(renamedDraft.id, {}, TEST_ACTOR);

    const live = await createDraftArticle(services, { slug: 'bf-old' });
    await services.publishing.publish(live.id, {}, TEST_ACTOR);
    await revise(live.id, 1, 'bf-new');
    await services.publishing.publish(live.id, {}, TEST_ACTOR);
    await services.publishing.unpublish(live.id, TEST_ACTOR);

    await createDraftArticle(services, { slug: 'bf-never' });

    // A database of that time still held a renamed draft's working slug; today the rename releases it.
    sqlite
      .prepare("insert into article_slugs (slug, article_id, created_at) values ('bf-working', ?, 0)")
      .run(renamedDraft.id);
    sqlite.exec('update article_slugs set public_at = null');
    sqlite.exec(backfill ?? '');
    const rows = sqlite
      .prepare("select slug, public_at is not null as public from article_slugs where slug like 'bf-%' order by slug")
      .all();
    expect(rows).toEqual([
      { slug: 'bf-never', public: 0 },
      { slug: 'bf-new', public: 1 },
      { slug: 'bf-old', public: 1 },
      { slug: 'bf-published', public: 1 },
      { slug: 'bf-working', public: 0 },
    ]);
  });
});
