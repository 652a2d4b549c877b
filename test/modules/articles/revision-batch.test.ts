/**
 * Revisions and new articles asked for in one turn of the event loop: on SQLite they share one
 * transaction (group commit), each in its own savepoint; on PostgreSQL each is a transaction of its
 * own. Either way every request gets its own answer, a refused one takes nothing of the others with
 * it, and on SQLite nothing is acknowledged unless the transaction holding it committed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/app.js';
import { ConflictError, ValidationError } from '../../../src/errors.js';
import { createArticlesRepository, type NewArticle } from '../../../src/modules/articles/repository.js';
import {
  createRevisionsRepository,
  type RevisionCommand,
} from '../../../src/modules/articles/revisions/revisions-repository.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';
import { type AppendAudit, preparedAuditor } from '../../../src/modules/audit/repository.js';
import { recordEvent } from '../../../src/modules/events/outbox.js';
import { openTestEngine, sql } from '../../helpers/engine.js';
import { articleInput, createDraftArticle, TEST_ACTOR } from '../../helpers/factories.js';
import { eventsOf } from '../events/support.js';

const t = await openTestEngine();
afterAll(() => t.close());
const services = createServices(t.engine);
const revise = (id: string, base: number, body: Record<string, unknown>) =>
  services.revisions.post(id, body, { revision: base }, TEST_ACTOR);

async function heads(ids: string[]): Promise<number[]> {
  const rows = await t.probe.rows<{ id: string; head_revision: number }>(
    sql`SELECT id, head_revision FROM articles WHERE id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return ids.map((id) => Number(rows.find((r) => r.id === id)?.head_revision));
}

async function auditedRevisions(articleId: string): Promise<number[]> {
  const rows = await t.probe.rows<{ details: string }>(
    sql`SELECT details FROM audit_log WHERE article_id = ${articleId} AND action = 'article.revise' ORDER BY id`,
  );
  return rows.map((r) => (JSON.parse(r.details) as { revision: number }).revision);
}

describe('revisions asked for in one turn', () => {
  it('answer each request with its own revision, and refuse one alone with its own error', async () => {
    const [a, b, c] = await Promise.all([
      createDraftArticle(services, { title: 'A' }),
      createDraftArticle(services, { title: 'B' }),
      createDraftArticle(services, { title: 'C' }),
    ]);
    if (!a || !b || !c) throw new Error('no articles');
    let outcomes: PromiseSettledResult<Awaited<ReturnType<typeof revise>>>[] = [];
    const events = await eventsOf(t.probe, async () => {
      outcomes = await Promise.allSettled([
        revise(a.id, 1, { title: 'A, revised', tags: ['batch-kept-tag'] }),
        // There is no revision 7 to have edited: a 400, and its new tag is never created.
        revise(b.id, 7, { title: 'B, revised', tags: ['batch-refused-tag'] }),
        revise(c.id, 1, { body: 'C, revised.' }),
      ]);
    });
    const [first, second, third] = outcomes;
    expect(first).toMatchObject({
      status: 'fulfilled',
      value: { created: true, result: { id: a.id, revision: 2, title: 'A, revised', merged_onto: null } },
    });
    expect(second?.status).toBe('rejected');
    expect(second?.status === 'rejected' && second.reason).toBeInstanceOf(ValidationError);
    expect(third).toMatchObject({
      status: 'fulfilled',
      value: { created: true, result: { id: c.id, revision: 2, title: 'C', body: 'C, revised.' } },
    });
    expect(await heads([a.id, b.id, c.id])).toEqual([2, 1, 2]);
    expect(await auditedRevisions(a.id)).toEqual([2]);
    expect(await auditedRevisions(b.id)).toEqual([]);
    expect(await auditedRevisions(c.id)).toEqual([2]);
    expect(events.map((e) => [e.type, e.slug])).toEqual([['tag.created', 'batch-kept-tag']]);
    const refusedTag = await t.probe.rows(sql`SELECT id FROM tags WHERE slug = 'batch-refused-tag'`);
    expect(refusedTag).toEqual([]);
  });

  it('refuse a slug another article holds with a 409, and write the others', async () => {
    const [holder, taker, other] = await Promise.all([
      createDraftArticle(services, { title: 'Holder', slug: 'batch-held-slug' }),
      createDraftArticle(services, { title: 'Taker' }),
      createDraftArticle(services, { title: 'Other' }),
    ]);
    if (!holder || !taker || !other) throw new Error('no articles');
    const outcomes = await Promise.allSettled([
      revise(taker.id, 1, { slug: 'batch-held-slug' }),
      revise(other.id, 1, { slug: 'batch-free-slug' }),
    ]);
    expect(outcomes[0]?.status === 'rejected' && outcomes[0].reason).toBeInstanceOf(ConflictError);
    expect(outcomes[1]).toMatchObject({
      status: 'fulfilled',
      value: { result: { id: other.id, revision: 2, slug: 'batch-free-slug' } },
    });
    const slugs = await t.probe.rows<{ slug: string; article_id: string }>(
      sql`SELECT slug, article_id FROM article_slugs WHERE article_id IN (${taker.id}, ${other.id})`,
    );
    // The refused revision released nothing; the written one let its draft's working slug go.
    expect(slugs.map((s) => `${s.slug} ${s.article_id}`).sort()).toEqual(
      [`${taker.slug} ${taker.id}`, `batch-free-slug ${other.id}`].sort(),
    );
    expect(await heads([taker.id, other.id])).toEqual([1, 2]);
  });
});

describe.runIf(t.engine.kind === 'sqlite')('the group commit of revisions on SQLite', () => {
  // On PostgreSQL each creation is a transaction of its own: two racing for one slug may clash.
  it('creates articles asked for together, each with its own slug', async () => {
    const created = await Promise.all(
      [1, 2, 3].map(() => services.articles.create(articleInput({ title: 'Same title in a batch' }), TEST_ACTOR)),
    );
    expect(created.map((a) => a.slug).sort()).toEqual([
      'same-title-in-a-batch',
      'same-title-in-a-batch-2',
      'same-title-in-a-batch-3',
    ]);
    expect(created.map((a) => a.headRevision)).toEqual([1, 1, 1]);
  });

  it('writes a turn’s revisions in the order they were asked for, each seeing the one before', async () => {
    const article = await createDraftArticle(services, { title: 'Ordered', body: 'One.\n\nTwo.' });
    const outcomes = await Promise.allSettled([
      revise(article.id, 1, { title: 'Ordered, first' }),
      revise(article.id, 2, { title: 'Ordered, second' }),
      // Made from revision 1, whose title the two before changed: a conflict, decided against revision 3.
      revise(article.id, 1, { title: 'Ordered, stale' }),
      revise(article.id, 3, { body: 'One.\n\nTwo, edited.' }),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.result.revision : 'refused'))).toEqual([
      2,
      3,
      'refused',
      4,
    ]);
    const third = outcomes[2];
    expect(third?.status === 'rejected' && third.reason).toBeInstanceOf(ConflictError);
    expect(third?.status === 'rejected' && (third.reason as ConflictError).extras).toMatchObject({
      current_revision: 3,
    });
    const history = await services.revisions.list(article.id, { limit: 10 });
    expect(history.data.map((r) => [r.number, r.changed_fields])).toEqual([
      [4, ['body']],
      [3, ['title']],
      [2, ['title']],
      [1, expect.arrayContaining(['title', 'body'])],
    ]);
    const head = await services.revisions.get(article.id, 4);
    expect(head.content).toMatchObject({ title: 'Ordered, second', body: 'One.\n\nTwo, edited.' });
    expect(await auditedRevisions(article.id)).toEqual([2, 3, 4]);
  });
});

describe.runIf(t.engine.kind === 'sqlite')('a group commit of revisions whose transaction fails', () => {
  if (t.engine.kind !== 'sqlite') return;
  const { db } = t.engine.handle;
  const content = (title: string): ArticleContent => ({
    title,
    slug: title.toLowerCase().replaceAll(' ', '-'),
    standfirst: null,
    body: `${title}.`,
    tags: [],
    credits: [],
    hero_image: null,
    source: null,
    ai_generated: false,
  });
  const command = (articleId: string, title: string): RevisionCommand => ({
    articleId,
    at: 5_000,
    author: TEST_ACTOR.name,
    authorTokenId: null,
    message: null,
    base: 1,
    decide: (head) => ({
      kind: 'write',
      content: { ...head.content, title },
      changedFields: ['title'],
      mergedOnto: null,
      audit: { actor: TEST_ACTOR.name, action: 'article.revise', subjectType: 'article' },
    }),
  });

  /**
   * A writer whose audit entry for `poisoned` leaves a foreign key broken until COMMIT: every
   * savepoint is released, and then the transaction itself fails, as it would on a full disk.
   */
  const appendAudit = preparedAuditor(db);
  const failingAtCommit = (poisoned: string) => ({
    recordEvent,
    appendAudit: ((tx, entry) => {
      appendAudit(tx, entry);
      if (entry.subjectId !== poisoned) return;
      // On the connection, inside the transaction the audit entry is written in.
      db.run(sql`PRAGMA defer_foreign_keys = ON`);
      db.run(
        sql`INSERT INTO article_slugs (slug, article_id, created_at) VALUES ('orphan-slug', 'no-such-article', 0)`,
      );
    }) satisfies AppendAudit,
  });

  it('acknowledges none of its revisions, and leaves every article as it was', async () => {
    const [a, b, c] = await Promise.all(
      ['Fails A', 'Fails B', 'Fails C'].map((title) => createDraftArticle(services, { title })),
    );
    if (!a || !b || !c) throw new Error('no articles');
    const revisions = createRevisionsRepository(db, failingAtCommit(b.id));
    const outcomes = await Promise.allSettled([
      revisions.commit(command(a.id, 'A, lost')),
      revisions.commit(command(b.id, 'B, lost')),
      revisions.commit(command(c.id, 'C, lost')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outcomes[0]?.status === 'rejected' && String(outcomes[0].reason)).toMatch(/FOREIGN KEY/);
    expect(await heads([a.id, b.id, c.id])).toEqual([1, 1, 1]);
    expect(await auditedRevisions(a.id)).toEqual([]);
    expect(await t.probe.rows(sql`SELECT slug FROM article_slugs WHERE slug = 'orphan-slug'`)).toEqual([]);
    // The connection is whole again: the next turn's revisions commit.
    const next = await Promise.all([
      revisions.commit(command(a.id, 'A, kept')),
      revisions.commit(command(c.id, 'C, kept')),
    ]);
    expect(next.map((r) => [r.record.article.headRevision, r.record.head.number])).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });

  it('acknowledges no new article either when the transaction holding it fails', async () => {
    const articles = createArticlesRepository(db, { appendAudit, recordEvent });
    const article = await createDraftArticle(services, { title: 'Fails D' });
    const poisoned = createRevisionsRepository(db, failingAtCommit(article.id));
    const fresh: NewArticle = {
      id: '01900000-0000-7000-8000-00000000b001',
      lang: 'en',
      commentsOpen: true,
      content: content('Never created'),
      author: TEST_ACTOR.name,
      authorTokenId: null,
      message: null,
      at: 5_000,
    };
    const outcomes = await Promise.allSettled([
      articles.insert(fresh),
      poisoned.commit(command(article.id, 'D, lost')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await t.probe.rows(sql`SELECT id FROM articles WHERE id = ${fresh.id}`)).toEqual([]);
  });
});
