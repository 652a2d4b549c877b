/**
 * PostgreSQL only: the editorial write races that SQLite's single writer rules out, run against one
 * database through two engines, as two nodes would. Skipped on SQLite, where one writer at a time
 * rules these races out.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/app.js';
import { articleRevisions, articles, articleTags, auditLog, credits, tags } from '../../../src/db/pg/schema.js';
import { withTransaction } from '../../../src/db/pg/tx.js';
import type { PgEngine } from '../../../src/engine/postgres.js';
import { ConflictError } from '../../../src/errors.js';
import { createPublishingService, duePolicyFor } from '../../../src/modules/articles/publishing/publishing-service.js';
import type { RevisionCommand } from '../../../src/modules/articles/revisions/revisions-repository.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';
import { testClock } from '../../helpers/build-app.js';
import { openSibling, openTestEngine, TEST_ENGINE, type TestEngine } from '../../helpers/engine.js';

const onPostgres = TEST_ENGINE === 'postgres';
const nodes: PgEngine[] = [];
let first: TestEngine | undefined;

beforeAll(async () => {
  if (!onPostgres) return;
  first = await openTestEngine();
  nodes.push(first.engine as PgEngine, (await openSibling(first)) as PgEngine);
});

afterAll(async () => {
  await nodes[1]?.close();
  await first?.close();
});

const node = (i: number) => (nodes[i] as PgEngine).handle;
const store = (i: number) => (nodes[i] as PgEngine).store;
const db = () => node(0).db;

function content(overrides: Partial<ArticleContent> = {}): ArticleContent {
  const unique = randomUUID().slice(0, 8);
  return {
    title: `Title ${unique}`,
    slug: `article-${unique}`,
    standfirst: null,
    body: 'Body.',
    tags: [],
    credits: [],
    hero_image: null,
    source: null,
    ai_generated: false,
    ...overrides,
  };
}

/** An article with its revision 1, written as the articles repository writes it. */
async function draft(c: ArticleContent = content()): Promise<string> {
  const id = randomUUID();
  await db().transaction(async (tx) => {
    await tx.insert(articles).values({ id, slug: c.slug, lang: 'en', headRevision: 1, createdAt: 1, updatedAt: 1 });
    await tx.insert(articleRevisions).values({
      articleId: id,
      number: 1,
      snapshot: JSON.stringify(c),
      author: 'test',
      createdAt: 1,
    });
  });
  return id;
}

/** A command that sets one field on top of whatever the head is, as a merge that never conflicts. */
function edit(articleId: string, field: 'title' | 'body', value: string): RevisionCommand {
  return {
    articleId,
    at: 2,
    author: 'test',
    authorTokenId: null,
    message: null,
    base: 1,
    decide(head, base) {
      if (!base) throw new Error('no base');
      return {
        kind: 'write',
        content: { ...head.content, [field]: value },
        changedFields: [field],
        mergedOnto: base.number === head.number ? null : head.number,
        audit: { actor: 'test', action: 'article.revise', subjectType: 'article' },
      };
    },
  };
}

const audit = { actor: 'test', action: 'article.publish', subjectType: 'article' };

describe.skipIf(!onPostgres)('editorial writes racing on PostgreSQL', () => {
  it('numbers two concurrent revisions 2 and 3, from two nodes, without an error', async () => {
    const id = await draft();
    const [a, b] = [store(0).revisions, store(1).revisions];
    const results = await Promise.all([a.commit(edit(id, 'title', 'From A')), b.commit(edit(id, 'body', 'From B'))]);
    expect(results.map((r) => r.written)).toEqual([true, true]);
    expect(results.map((r) => r.record.head.number).sort()).toEqual([2, 3]);
    const rows = await db()
      .select({ number: articleRevisions.number, snapshot: articleRevisions.snapshot })
      .from(articleRevisions)
      .where(eq(articleRevisions.articleId, id))
      .orderBy(articleRevisions.number);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3]);
    // The second decided against the first's head, so both edits are in the last revision.
    const last = JSON.parse(rows[2]?.snapshot ?? '{}') as ArticleContent;
    expect([last.title, last.body]).toEqual(['From A', 'From B']);
  });

  it('numbers thirty concurrent revisions from two nodes 2 to 31', async () => {
    const n = 30;
    const id = await draft();
    const [a, b] = [store(0).revisions, store(1).revisions];
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => (i % 2 ? b : a).commit(edit(id, 'title', `Edit ${i}`))),
    );
    expect(results.map((r) => r.record.head.number).sort((x, y) => x - y)).toEqual(
      Array.from({ length: n }, (_, i) => i + 2),
    );
    const audits = await db().select().from(auditLog).where(eq(auditLog.articleId, id));
    expect(audits).toHaveLength(n);
  });

  it('applies a due schedule once when two nodes claim it at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await draft(content({ tags: [{ slug: `due-${round}`, name: `Due ${round}` }] }));
      const [a, b] = [store(0).publishing, store(1).publishing];
      const trial = { articleId: id, revision: 1, publishedAt: 1_000, bodyHtml: '<p>Body.</p>', at: 10 };
      await a.schedule({ trial, at: 1_000, now: 10, audit: { ...audit, action: 'article.schedule' } });
      const claim = async (repo: typeof a) => {
        let applied = 0;
        for (const s of await repo.findDue(2_000, 10)) {
          if (s.articleId !== id) continue;
          const scheduler = { ...audit, actor: 'fjord scheduler' };
          if (await repo.publishScheduled({ ...s, bodyHtml: '<p>Body.</p>', now: 2_000, audit: scheduler })) applied++;
        }
        return applied;
      };
      const applied = await Promise.all([claim(a), claim(b)]);
      expect(applied[0] + applied[1]).toBe(1);
      const publishes = await db()
        .select()
        .from(auditLog)
        .where(sql`${auditLog.articleId} = ${id} and ${auditLog.actor} = 'fjord scheduler'`);
      expect(publishes).toHaveLength(1);
      const [row] = await db().select().from(articles).where(eq(articles.id, id));
      expect(row?.status).toBe('published');
      expect(await a.nextDueAt()).toBeNull();
    }
  });

  it('never leaves a published article without its tag when the tag is deleted at the same moment', async () => {
    for (let round = 0; round < 10; round++) {
      const slug = `racing-${round}`;
      const id = await draft(content({ tags: [{ slug, name: `Racing ${round}` }] }));
      await db()
        .insert(tags)
        .values({ slug, name: `Racing ${round}`, createdAt: 1, updatedAt: 1 });
      // The tags repository's delete: lock the tag, refuse while a published article links it.
      const deleteTag = () =>
        withTransaction(node(1).db, async (tx) => {
          const [tag] = await tx.select().from(tags).where(eq(tags.slug, slug)).for('update');
          if (!tag) return 'gone';
          const links = await tx.select().from(articleTags).where(eq(articleTags.tagId, tag.id));
          if (links.length > 0) return 'refused';
          await tx.delete(tags).where(eq(tags.id, tag.id));
          return 'deleted';
        });
      const publish = store(0).publishing.publish({
        articleId: id,
        revision: 1,
        publishedAt: 5,
        bodyHtml: '<p>Body.</p>',
        at: 5,
        audit,
      });
      await Promise.all([deleteTag(), publish]);
      const linked = await db()
        .select({ slug: tags.slug })
        .from(articleTags)
        .innerJoin(tags, eq(tags.id, articleTags.tagId))
        .where(eq(articleTags.articleId, id));
      expect(linked).toEqual([{ slug }]);
    }
  });

  it('refuses one of two concurrent draft renames to one slug with a conflict, never a 500', async () => {
    const slug = `race-${randomUUID().slice(0, 8)}`;
    const ids = [await draft(), await draft()];
    const rename = (i: number) =>
      store(i).revisions.commit({
        ...edit(ids[i] as string, 'title', 'Renamed'),
        decide: (head) => ({
          kind: 'write',
          content: { ...head.content, slug },
          changedFields: ['slug'],
          mergedOnto: null,
          audit: { actor: 'test', action: 'article.revise', subjectType: 'article' },
        }),
      });
    const outcomes = await Promise.allSettled([rename(0), rename(1)]);
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toEqual([expect.any(ConflictError)]);
  });

  it('applies a schedule made on one node from another node within a second of its time', async () => {
    const clock = testClock();
    const [a, b] = nodes.map((engine) => createServices(engine, clock));
    if (!a || !b) throw new Error('two nodes expected');
    const id = await draft();
    // Node B has looked: nothing is due, and it remembers so.
    await b.publishing.applyDue();
    await a.publishing.publish(id, { at: new Date(clock.now() + 500).toISOString() }, { name: 'test', tokenId: null });
    clock.advance(500);
    await b.publishing.applyDue();
    clock.advance(500);
    await b.publishing.applyDue();
    const [row] = await db().select().from(articles).where(eq(articles.id, id));
    expect(row?.status).toBe('published');
  });

  it('adds one catalogue credit for a new credit named by two revisions at the same moment', async () => {
    const name = `Photographer ${randomUUID().slice(0, 8)}`;
    const credit = { credit_id: null, role: 'image', name, organization: 'Unsplash', url: null, license: null };
    const ids = [await draft(), await draft()];
    const credited = (i: number) =>
      store(i).revisions.commit({
        ...edit(ids[i] as string, 'title', 'Credited'),
        decide: (head) => ({
          kind: 'write',
          content: { ...head.content, credits: [credit] },
          changedFields: ['credits'],
          mergedOnto: null,
          audit: { actor: 'test', action: 'article.revise', subjectType: 'article' },
        }),
      });
    await Promise.all([credited(0), credited(1)]);
    const rows = await db().select().from(credits).where(eq(credits.name, name));
    expect(rows).toHaveLength(1);
  });

  it('leaves a due schedule another node holds for a second, without asking the database at every request', async () => {
    const clock = testClock();
    const [a, b] = nodes.map((engine) => createServices(engine, clock));
    const engineB = nodes[1];
    if (!a || !b || !engineB) throw new Error('two nodes expected');
    let passes = 0;
    const repo = engineB.store.publishing;
    const publishing = createPublishingService({
      repo: {
        ...repo,
        async findDue(now, limit) {
          passes++;
          return repo.findDue(now, limit);
        },
      },
      revisions: engineB.store.revisions,
      editor: b.editor,
      clock,
      changes: b.changes,
      due: duePolicyFor(engineB),
    });
    const id = await draft();
    await a.publishing.publish(id, { at: new Date(clock.now() + 500).toISOString() }, { name: 'test', tokenId: null });
    clock.advance(1000);
    const status = async () => (await db().select().from(articles).where(eq(articles.id, id)))[0]?.status;
    // Another node is applying it: it holds the article's row.
    const holder = await node(0).pool.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from articles where id = $1 for update', [id]);
      await publishing.applyDue();
      expect(passes).toBe(1);
      await publishing.applyDue();
      expect(passes).toBe(1);
    } finally {
      await holder.query('rollback');
      holder.release();
    }
    expect(await status()).toBe('draft');
    clock.advance(1000);
    await publishing.applyDue();
    expect(passes).toBe(2);
    expect(await status()).toBe('published');
  });
});
