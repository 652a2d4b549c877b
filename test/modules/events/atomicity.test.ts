/**
 * An event exists if and only if its change committed: a transaction that fails after appending
 * its event leaves neither, on both engines; on SQLite a comment refused inside a group commit
 * takes its own event with it and leaves the others of its batch whole.
 */
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/app.js';
import { withStartupLock } from '../../../src/db/pg/migrate.js';
import { preparedAuditor } from '../../../src/modules/audit/repository.js';
import { appendAudit as appendPgAudit } from '../../../src/modules/audit/repository.pg.js';
import { createCommentsRepository, type NewComment } from '../../../src/modules/comments/repository.js';
import type { EventInput } from '../../../src/modules/events/catalogue.js';
import { recordEvent } from '../../../src/modules/events/outbox.js';
import { lockOutbox, recordEvent as recordPgEvent } from '../../../src/modules/events/outbox.pg.js';
import { reindexTag } from '../../../src/modules/search/repository.js';
import { reindexTag as reindexPgTag } from '../../../src/modules/search/repository.pg.js';
import { createTagsRepository, type TagsRepository } from '../../../src/modules/tags/repository.js';
import { createPgTagsRepository } from '../../../src/modules/tags/repository.pg.js';
import { openTestEngine } from '../../helpers/engine.js';
import { createDraftArticle, TEST_ACTOR } from '../../helpers/factories.js';
import { eventsOf } from './support.js';

const t = await openTestEngine();
afterAll(() => t.close());
const boom = new Error('failed after appending the event');

/** The store's tag repository, except that its event writer fails once the event is appended. */
function failingTags(): TagsRepository {
  const { engine } = t;
  if (engine.kind === 'postgres') {
    return createPgTagsRepository(engine.handle.db, {
      appendAudit: appendPgAudit,
      reindexTag: reindexPgTag,
      lockOutbox,
      recordEvent: async (tx, e) => {
        await recordPgEvent(tx, e);
        throw boom;
      },
    });
  }
  return createTagsRepository(engine.handle.db, {
    appendAudit: preparedAuditor(engine.handle.db),
    reindexTag,
    recordEvent: (tx, e) => {
      recordEvent(tx, e);
      throw boom;
    },
  });
}

describe('an event and its change', () => {
  it('are rolled back together', async () => {
    const tags = failingTags();
    const events = await eventsOf(t.probe, async () => {
      await expect(
        tags.insert({ slug: 'rolled-back', name: 'Rolled back', description: null }, 1_000, {
          actor: 'test',
          action: 'tag.create',
        }),
      ).rejects.toBe(boom);
    });
    expect(events).toEqual([]);
    expect(await t.probe.rows(sql`SELECT id FROM tags WHERE slug = 'rolled-back'`)).toEqual([]);
  });
});

describe.runIf(t.engine.kind === 'postgres')('the outbox lock', () => {
  it('is not the startup lock, which a seed holds while its writes append events', async () => {
    const services = createServices(t.engine);
    const events = await eventsOf(t.probe, () =>
      withStartupLock(t.location, () => services.tags.create({ name: 'Seeded' }, TEST_ACTOR)),
    );
    expect(events.map((e) => e.type)).toEqual(['tag.created']);
  });
});

describe.runIf(t.engine.kind === 'sqlite')('a group commit of comments', () => {
  it('drops the event of the comment it refuses, and keeps the others with theirs', async () => {
    if (t.engine.kind !== 'sqlite') return;
    const services = createServices(t.engine);
    const article = await createDraftArticle(services);
    let calls = 0;
    const comments = createCommentsRepository(t.engine.handle.db, {
      recordEvent: (tx, e: EventInput) => {
        const id = recordEvent(tx, e);
        calls += 1;
        if (calls === 2) throw boom;
        return id;
      },
    });
    const comment = (body: string): NewComment => ({
      articleId: article.id,
      parentId: null,
      depth: 0,
      authorName: 'Reader',
      authorEmail: `${body}@example.com`,
      ipHash: 'ip',
      authorKeyHash: 'key',
      body,
      status: 'pending',
      reasons: [],
      at: 2_000,
      actor: TEST_ACTOR.name,
      countDuplicate: false,
    });
    let outcomes: PromiseSettledResult<unknown>[] = [];
    const events = await eventsOf(t.probe, async () => {
      // Asked in one turn of the event loop: one transaction, a savepoint each.
      outcomes = await Promise.allSettled([
        comments.insert(comment('first')),
        comments.insert(comment('second')),
        comments.insert(comment('third')),
      ]);
    });
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await t.probe.rows<{ id: number; body: string }>(
      sql`SELECT id, body FROM comments WHERE article_id = ${article.id} ORDER BY id`,
    );
    expect(stored.map((c) => c.body)).toEqual(['first', 'third']);
    expect(events.map((e) => [e.type, e.entity_id])).toEqual(stored.map((c) => ['comment.created', String(c.id)]));
  });
});
