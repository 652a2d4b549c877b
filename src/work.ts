import { AppError } from './errors.js';
import type { RevisionDiff } from './modules/articles/editor-schemas.js';
import type { DiffFormat, DiffSide } from './modules/articles/revisions/diff.js';
import type { Differ } from './modules/articles/revisions/diff-runner.js';
import type { SearchMatches, SearchQuery } from './modules/search/repository.js';
import type { SearchRunner } from './modules/search/runner.js';
import { createThreadRunner } from './shared/thread-runner.js';

export type WorkRequest =
  | { kind: 'search'; query: SearchQuery }
  | { kind: 'diff'; from: DiffSide | null; to: DiffSide; format: DiffFormat };

const RETRY_AFTER = { 'retry-after': '1' };

export function tooCostly(request: unknown, budgetMs: number): AppError {
  const detail =
    (request as WorkRequest).kind === 'search'
      ? `The search did not finish within its budget of ${budgetMs} ms; search for fewer or longer words`
      : `The diff did not finish within its budget of ${budgetMs} ms`;
  return new AppError('too_costly', detail, {}, RETRY_AFTER);
}

/**
 * Searches and diffs on one thread of their own (src/work-thread.ts), with its own read-only
 * connection to the database file. Work past `budgetMs` answers 503 too_costly and the thread is
 * replaced; work that waited too long for the thread answers 503 unavailable.
 */
export function createWorkThread({
  databasePath,
  budgetMs,
  script = new URL('./work-thread.js', import.meta.url),
}: {
  /** The SQLite file searches read; null when searches run elsewhere (PostgreSQL) and the thread only diffs. */
  databasePath: string | null;
  budgetMs: number;
  script?: URL;
}): { search: SearchRunner; differ: Differ; close: () => Promise<void> } {
  const thread = createThreadRunner<WorkRequest, unknown>({
    script,
    workerData: { databasePath },
    budgetMs,
    tooCostly: (request) => tooCostly(request, budgetMs),
    busy: () => new AppError('unavailable', 'Too many searches and diffs are waiting; retry shortly', {}, RETRY_AFTER),
  });
  return {
    search: { findMatches: (query) => thread.run({ kind: 'search', query }) as Promise<SearchMatches> },
    differ: { diff: (from, to, format) => thread.run({ kind: 'diff', from, to, format }) as Promise<RevisionDiff> },
    close: () => thread.close(),
  };
}
