/**
 * @sqlite-only: another process holding SQLite's database-wide write lock (BEGIN IMMEDIATE) while
 * schedules come due. PostgreSQL has no such lock; its counterpart, another node applying the same
 * schedule, is in editorial-races.pg.test.ts.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/client.js';
import { runMigrations } from '../../../src/db/migrate.js';
import { createSqliteEngine } from '../../../src/engine/sqlite.js';
import { UnavailableError } from '../../../src/errors.js';
import { createPublishingService } from '../../../src/modules/articles/publishing/publishing-service.js';
import { renderMarkdown } from '../../../src/shared/markdown.js';
import { testClock } from '../../helpers/build-app.js';
import { createDraftArticle, TEST_ACTOR } from '../../helpers/factories.js';
import { tempDir } from '../../helpers/file-app.js';

const HOUR = 60 * 60 * 1000;
/** Long enough that a scheduler waiting on it would be seen at once; a request must never wait this long. */
const BUSY_TIMEOUT_MS = 15_000;

const path = join(tempDir(), 'schedules.db');
const database = openDatabase(path, { busyTimeoutMs: BUSY_TIMEOUT_MS });
runMigrations(database.db);
// Another process on the same file, such as the fjord CLI, which can hold the write lock.
const other = new BetterSqlite3(path);
afterAll(() => {
  other.close();
  database.close();
});

const clock = testClock();
const engine = createSqliteEngine(database, { workBudgetMs: 1000 });
const built = createServices(engine, clock);
const real = engine.store.publishing;
const attempts: { publish: number; errors: unknown[] } = { publish: 0, errors: [] };
const publishing = createPublishingService({
  repo: {
    ...real,
    async publishScheduled(s) {
      attempts.publish++;
      try {
        return await real.publishScheduled(s);
      } catch (err) {
        attempts.errors.push(err);
        throw err;
      }
    },
  },
  revisions: engine.store.revisions,
  editor: built.editor,
  clock,
  changes: built.changes,
  // A body holding this marker cannot be rendered, as a renderer throws on a body nested too deep.
  render: (markdown) => {
    if (markdown.includes('UNRENDERABLE')) throw new RangeError('Maximum call stack size exceeded');
    return renderMarkdown(markdown);
  },
});
const warnings: object[] = [];
const log = { error() {}, warn: (details: object) => warnings.push(details) };
const scheduled = () =>
  other.prepare('select count(*) from article_schedules where failed_at is null').pluck().get() as number;

describe('due schedules while another process holds the write lock', () => {
  it('stops the pass at the first busy schedule, without waiting on the lock, and applies all once it is free', async () => {
    const at = new Date(clock.now() + HOUR).toISOString();
    for (let i = 0; i < 3; i++) {
      const draft = await createDraftArticle(built, { title: `Morning ${i}` });
      await publishing.publish(draft.id, { at }, TEST_ACTOR);
    }
    clock.advance(2 * HOUR);

    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    try {
      await publishing.applyDue(log);
    } finally {
      other.exec('ROLLBACK');
    }
    // Generous: a pass that waited on the lock would take the whole busy timeout at least once.
    expect(performance.now() - started).toBeLessThan(BUSY_TIMEOUT_MS / 2);
    expect(attempts.publish).toBe(1);
    expect(attempts.errors).toEqual([expect.any(UnavailableError)]);
    expect(warnings).toHaveLength(1);
    expect(scheduled()).toBe(3);

    clock.advance(1000);
    await publishing.applyDue(log);
    expect(scheduled()).toBe(0);
    expect(attempts.publish).toBe(4);
    expect(other.prepare("select count(*) from articles where status = 'published'").pluck().get()).toBe(3);
  });

  it('defers marking a failed schedule while the lock is held, and marks it once it is free', async () => {
    const draft = await createDraftArticle(built, { title: 'Doomed', body: 'Fine for now.' });
    await publishing.publish(draft.id, { at: new Date(clock.now() + HOUR).toISOString() }, TEST_ACTOR);
    // The stored revision becomes one the renderer cannot take (as a renderer upgrade might make it).
    other
      .prepare('update article_revisions set snapshot = replace(snapshot, ?, ?) where article_id = ?')
      .run('Fine for now.', 'UNRENDERABLE', draft.id);
    clock.advance(2 * HOUR);
    const failedAt = () =>
      other.prepare('select failed_at from article_schedules where article_id = ?').pluck().get(draft.id);

    other.exec('BEGIN IMMEDIATE');
    try {
      await publishing.applyDue(log);
    } finally {
      other.exec('ROLLBACK');
    }
    expect(failedAt()).toBeNull();

    clock.advance(1000);
    await publishing.applyDue(log);
    expect(failedAt()).toEqual(expect.any(Number));
  });
});
