import { sql } from 'drizzle-orm';
import { type Database, type DatabaseHandle, databaseFile, openDatabase } from '../db/client.js';
import { createCommitWatcher } from '../db/commit-watcher.js';
import { assertSchemaCurrent, assertSchemaNotNewer, runMigrations, withWriteLock } from '../db/migrate.js';
import { createIdempotencyRepository } from '../http/idempotency-repository.js';
import { createPublishingRepository } from '../modules/articles/publishing/publishing-repository.js';
import { createArticlesRepository } from '../modules/articles/repository.js';
import { inProcessDiffer } from '../modules/articles/revisions/diff-runner.js';
import { createRevisionsRepository } from '../modules/articles/revisions/revisions-repository.js';
import { createAuditRepository, preparedAuditor } from '../modules/audit/repository.js';
import { createChangesRepository } from '../modules/changes/repository.js';
import { createCommentsRepository } from '../modules/comments/repository.js';
import { createCreditsRepository } from '../modules/credits/repository.js';
import { preparedRecorder } from '../modules/events/outbox.js';
import { createPreviewsRepository } from '../modules/previews/repository.js';
import { createSearchRepository, indexDocument, reindexTag, removeDocument } from '../modules/search/repository.js';
import { inProcessRunner, type SearchRunner } from '../modules/search/runner.js';
import { createTagsRepository } from '../modules/tags/repository.js';
import { createTokensRepository } from '../modules/tokens/repository.js';
import { createDeliveryQueue } from '../modules/webhooks/queue.js';
import { createWebhooksRepository } from '../modules/webhooks/repository.js';
import { createWorkThread } from '../work.js';
import type { Engine, Store } from './engine.js';

export function createSqliteStore(db: Database): Store {
  const recordEvent = preparedRecorder(db);
  const appendAudit = preparedAuditor(db);
  return {
    articles: createArticlesRepository(db, { appendAudit, recordEvent }),
    revisions: createRevisionsRepository(db, { appendAudit, recordEvent }),
    publishing: createPublishingRepository(db, { appendAudit, indexDocument, removeDocument, recordEvent }),
    tags: createTagsRepository(db, { appendAudit, reindexTag, recordEvent }),
    credits: createCreditsRepository(db, { appendAudit, recordEvent }),
    tokens: createTokensRepository(db, { appendAudit }),
    audit: createAuditRepository(db),
    changes: createChangesRepository(db),
    comments: createCommentsRepository(db, { recordEvent }),
    idempotency: createIdempotencyRepository(db),
    previews: createPreviewsRepository(db, { appendAudit }),
    webhooks: createWebhooksRepository(db, { appendAudit }),
    deliveries: createDeliveryQueue(db),
  };
}

export interface SqliteEngine extends Engine {
  readonly kind: 'sqlite';
  /** The drizzle handle and driver connection, for SQLite-only tools (backup, the generator) and tests. */
  readonly handle: DatabaseHandle;
}

/**
 * SQLite: one file (or memory), one writer at a time. On a file, searches and diffs run on a work
 * thread with its own read-only connection; other processes' commits are noticed through
 * `PRAGMA data_version`, read once a turn of the event loop (src/db/commit-watcher.ts).
 */
export function createSqliteEngine(handle: DatabaseHandle, { workBudgetMs }: { workBudgetMs: number }): SqliteEngine {
  const { db, sqlite } = handle;
  const file = databaseFile(db);
  // Started by the first search or diff: a process that never searches (the CLI, a seed) never pays for it.
  let thread: ReturnType<typeof createWorkThread> | null = null;
  const work = () => {
    thread ??= createWorkThread({ databasePath: file ?? '', budgetMs: workBudgetMs });
    return thread;
  };
  const watcher = createCommitWatcher(sqlite);
  let search: SearchRunner | null = null;
  const inMemorySearch = () => {
    search ??= inProcessRunner(createSearchRepository(db));
    return search;
  };
  // Built on first use, after migrations: the repositories prepare their statements against the tables.
  let store: Store | null = null;
  let closed = false;
  return {
    kind: 'sqlite',
    handle,
    get store() {
      store ??= createSqliteStore(db);
      return store;
    },
    work: file
      ? {
          search: { findMatches: (query) => work().search.findMatches(query) },
          differ: { diff: (from, to, format) => work().differ.diff(from, to, format) },
        }
      : { search: { findMatches: (query) => inMemorySearch().findMatches(query) }, differ: inProcessDiffer },
    foreign: {
      check: () => {
        try {
          return watcher.changedByOthers() ? 'all' : null;
        } catch {
          // Unknown is treated as changed: nothing stale can be served.
          return 'all';
        }
      },
      subscribe: () => () => {},
      // Other processes poll data_version themselves.
      publish: () => {},
    },
    sharedSchedules: false,
    useLog: () => {},
    ping: async () => {
      db.get(sql`select 1`);
    },
    migrate: async () => runMigrations(db),
    assertSchemaNotNewer: async () => assertSchemaNotNewer(sqlite),
    assertSchemaCurrent: async () => assertSchemaCurrent(sqlite),
    exclusively: (run) => withWriteLock(sqlite, run),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await thread?.close();
      } finally {
        handle.close();
      }
    },
  };
}

/** Opens the SQLite file at `path` (or `:memory:`) as an engine. */
export function openSqliteEngine(
  path: string,
  { busyTimeoutMs, workBudgetMs }: { busyTimeoutMs?: number; workBudgetMs: number },
): SqliteEngine {
  return createSqliteEngine(openDatabase(path, busyTimeoutMs === undefined ? {} : { busyTimeoutMs }), { workBudgetMs });
}
