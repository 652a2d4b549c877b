import { AppError } from '../../errors.js';
import { createThreadRunner } from '../../shared/thread-runner.js';
import type { SearchHit, SearchQuery, SearchRepository } from './repository.js';

/** Where searches run: in the caller's thread, or on a search thread under a hard time budget. */
export interface SearchRunner {
  findMatches(query: SearchQuery): Promise<SearchHit[]>;
  close(): Promise<void>;
}

/** In-process: for an in-memory database, which no other thread can open. Bounded by SEARCH_LIMITS only. */
export function inProcessRunner(repo: SearchRepository): SearchRunner {
  return { findMatches: (query) => repo.findMatches(query), close: async () => {} };
}

const RETRY_AFTER = { 'retry-after': '1' };

export interface WorkerRunnerOptions {
  databasePath: string;
  budgetMs: number;
  /** The thread's script; tests pass their own to prove how a stuck thread is handled. */
  script?: URL;
}

/**
 * Every search on a thread of its own with its own read-only connection. One still running after
 * `budgetMs` answers 503 too_costly and its thread is replaced: the event loop never waits on a search.
 */
export function createWorkerRunner({ databasePath, budgetMs, script }: WorkerRunnerOptions): SearchRunner {
  const runner = createThreadRunner<SearchQuery, SearchHit[]>({
    script: script ?? new URL('./search-worker.js', import.meta.url),
    workerData: { path: databasePath },
    budgetMs,
    tooCostly: () =>
      new AppError(
        'too_costly',
        `The search did not finish within its budget of ${budgetMs} ms; search for fewer or longer words`,
        {},
        RETRY_AFTER,
      ),
    busy: () => new AppError('unavailable', 'Too many searches are waiting; retry shortly', {}, RETRY_AFTER),
  });
  return { findMatches: (query) => runner.run(query), close: () => runner.close() };
}
