/**
 * Races between two nodes on one PostgreSQL database, at the repository level: the second node is
 * a sibling engine with its own pool. PostgreSQL only: SQLite has one writer, so these races cannot
 * happen there (its group commit and busy handling have their own tests).
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, articles, articleTags, auditLog, comments, tags } from '../../src/db/pg/schema.js';
import { withTransaction } from '../../src/db/pg/tx.js';
import type { Engine, Store } from '../../src/engine/engine.js';
import type { PgEngine } from '../../src/engine/postgres.js';
import { ConflictError, UnavailableError } from '../../src/errors.js';
import type { NewComment } from '../../src/modules/comments/repository.js';
import { openSibling, openTestEngine, TEST_ENGINE, type TestEngine } from '../helpers/engine.js';

const AT = Date.parse('2026-01-15T10:00:00.000Z');
const actor = { actor: 'test', action: 'test' };

describe.skipIf(TEST_ENGINE !== 'postgres')('two nodes on one PostgreSQL database', () => {
  let first: TestEngine;
  let second: Engine;

  beforeAll(async () => {
    first = await openTestEngine();
    second = await openSibling(first);
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  const handle = () => (first.engine as PgEngine).handle;
  const db = () => handle().db;
  const both = <K extends keyof Store>(name: K): [Store[K], Store[K]] => [first.engine.store[name], second.store[name]];

  async function article() {
    const id = randomUUID();
    await db()
      .insert(articles)
      .values({ id, slug: `a-${id}`, lang: 'en', status: 'published', createdAt: AT, updatedAt: AT });
    return id;
  }
  const comment = (articleId: string, overrides: Partial<NewComment> = {}): NewComment => ({
    articleId,
    parentId: null,
    depth: 0,
    authorName: 'Ada',
    authorEmail: 'ada@example.org',
    ipHash: 'ip',
    authorKeyHash: 'key',
    body: `Comment ${randomUUID()}`,
    status: 'pending',
    reasons: [],
    at: AT,
    actor: 'system',
    countDuplicate: true,
    ...overrides,
  });
  const commentCount = async (id: string) =>
    (await db().select({ n: articles.commentCount }).from(articles).where(eq(articles.id, id)))[0]?.n;

  it('keeps comment_count right when comments of one article are approved at once on both nodes', async () => {
    const repos = both('comments');
    const articleId = await article();
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push((await repos[0].insert(comment(articleId)))!.id);
    const results = await Promise.all(
      ids.map((id, i) =>
        repos[i % 2]!.changeStatus({ ids: [id], to: 'approved', actor: 'mod', note: null, at: AT + 1 }),
      ),
    );
    expect(results.flat().every((r) => r.changed)).toBe(true);
    expect(await commentCount(articleId)).toBe(8);

    // Approving the same comment on both nodes changes it, and logs the change, once.
    const [one] = ids;
    const twice = await Promise.all(
      repos.map((repo) => repo.changeStatus({ ids: [one!], to: 'rejected', actor: 'mod', note: null, at: AT + 2 })),
    );
    expect(twice.flat().filter((r) => r.changed)).toHaveLength(1);
    expect((await repos[0].findLog(one!)).map((row) => row.toStatus)).toEqual(['pending', 'approved', 'rejected']);
    expect(await commentCount(articleId)).toBe(7);

    await Promise.all([
      repos[0].erase({ id: ids[1]!, authorName: '[deleted]', body: '', actor: 'mod', note: 'erased', at: AT + 3 }),
      repos[1].changeStatus({ ids: [ids[2]!], to: 'spam', actor: 'mod', note: null, at: AT + 3 }),
    ]);
    expect(await commentCount(articleId)).toBe(5);
  });

  it('stores every approved comment posted at once on one article, none refused as busy', async () => {
    const repos = both('comments');
    const articleId = await article();
    const stored = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        repos[i % 2]!.insert(comment(articleId, { status: 'approved', authorEmail: `reader${i}@example.org` })),
      ),
    );
    expect(stored.every((row) => row !== null)).toBe(true);
    expect(await commentCount(articleId)).toBe(24);
  });

  it('stores one row when the same comment is posted at once on both nodes', async () => {
    const repos = both('comments');
    const articleId = await article();
    const same = comment(articleId, { status: 'approved' });
    const stored = await Promise.all(Array.from({ length: 8 }, (_, i) => repos[i % 2]!.insert(same)));
    expect(stored.filter((row) => row !== null)).toHaveLength(1);
    const rows = await db().select().from(comments).where(eq(comments.articleId, articleId));
    expect(rows).toHaveLength(1);
    expect(await commentCount(articleId)).toBe(1);
  });

  it('never deletes a tag that a publication racing the delete links', async () => {
    const repo = second.store.tags;
    for (let round = 0; round < 10; round++) {
      const articleId = await article();
      const slug = `tag-${randomUUID()}`;
      await db().insert(tags).values({ slug, name: slug, createdAt: AT, updatedAt: AT });
      // What a publication does to a tag it links: locks the row, then links it.
      const publish = withTransaction(db(), async (tx) => {
        const [tag] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, slug)).for('key share');
        if (!tag) throw new ConflictError('tag gone');
        await tx.insert(articleTags).values({ articleId, tagId: tag.id, publishedAt: AT });
      });
      const remove = repo.delete(slug, AT, actor);
      const [published, removed] = await Promise.allSettled([publish, remove]);
      const links = await db().select().from(articleTags).where(eq(articleTags.articleId, articleId));
      if (published.status === 'fulfilled') {
        expect(links).toHaveLength(1);
        expect(removed.status).toBe('rejected');
      } else {
        expect(links).toHaveLength(0);
        expect(removed.status).toBe('fulfilled');
      }
    }
  });

  it('records a token use without waiting for a lock another transaction holds', async () => {
    const repo = first.engine.store.tokens;
    const token = await repo.insert(
      { name: 'Root', role: 'admin', tokenHash: randomUUID(), prefix: 'fjord_x', createdAt: AT },
      actor,
    );
    const other = await handle().pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM api_tokens WHERE id = $1 FOR UPDATE', [token.id]);
      // Waiting on the lock would never end: the lock is released only after this returns.
      await repo.touch(token.id, AT + 1);
      expect((await repo.findById(token.id))?.lastUsedAt).toBeNull();
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    await repo.touch(token.id, AT + 2);
    expect((await repo.findById(token.id))?.lastUsedAt).toBe(AT + 2);
  });

  it('revokes a token once when both nodes revoke it at once', async () => {
    const repos = both('tokens');
    const token = await repos[0].insert(
      { name: 'Twice', role: 'editor', tokenHash: randomUUID(), prefix: 'fjord_y', createdAt: AT },
      actor,
    );
    const revoked = await Promise.all(repos.map((repo, i) => repo.revoke(token.id, AT + 10 + i, actor)));
    expect(revoked[0]?.revokedAt).toBe(revoked[1]?.revokedAt);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(sql`${auditLog.subjectType} = 'token' and ${auditLog.subjectId} = ${String(token.id)}`);
    expect(audits).toHaveLength(2); // the creation and one revocation
    expect((await db().select().from(apiTokens).where(eq(apiTokens.id, token.id)))[0]?.revokedAt).toBe(
      revoked[0]?.revokedAt,
    );
  });

  it('gives an Idempotency-Key to one first attempt across nodes, and refuses at once what would wait', async () => {
    const repos = both('idempotency');
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => repos[i % 2]!.claim('scope', 'k1', 'hash', AT, AT - 60_000)),
    );
    expect(claims.filter((c) => c === null)).toHaveLength(1);
    expect(claims.filter((c) => c !== null).every((c) => c?.statusCode === 0)).toBe(true);

    const other = await handle().pool.connect();
    try {
      await other.query('BEGIN');
      await other.query("SELECT 1 FROM idempotency_keys WHERE key = 'k1' FOR UPDATE");
      const response = { statusCode: 201, headers: {}, body: '{}' };
      await expect(repos[0].complete('scope', 'k1', response, { wait: false })).rejects.toBeInstanceOf(
        UnavailableError,
      );
      await expect(repos[0].release('scope', 'k1', { wait: false })).rejects.toBeInstanceOf(UnavailableError);
      // Pruning skips the row held; it goes at a later prune.
      await repos[0].prune(AT + 1);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    await repos[0].complete('scope', 'k1', { statusCode: 201, headers: { etag: '"1"' }, body: '{}' }, { wait: false });
    expect(await repos[1].claim('scope', 'k1', 'hash', AT + 5, AT - 60_000)).toEqual({
      requestHash: 'hash',
      statusCode: 201,
      headers: { etag: '"1"' },
      body: '{}',
      createdAt: AT,
    });
    await repos[1].prune(AT + 1);
    expect(await repos[0].claim('scope', 'k1', 'other', AT + 6, AT - 60_000)).toBeNull();
    await repos[0].release('scope', 'k1', { wait: false });
    expect(await repos[0].claim('scope', 'k1', 'third', AT + 7, AT - 60_000)).toBeNull();
  });
});
