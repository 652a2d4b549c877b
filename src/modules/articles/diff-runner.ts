import { AppError } from '../../errors.js';
import { createThreadRunner } from '../../shared/thread-runner.js';
import { type DiffSide, diffRevisions } from './diff.js';
import type { RevisionDiff } from './editor-schemas.js';

/** Computes a revision diff, here or on a thread of its own. */
export interface Differ {
  diff(from: DiffSide | null, to: DiffSide): Promise<RevisionDiff>;
  close(): Promise<void>;
}

/** On the caller's thread, bounded by DIFF_LIMITS only: for tests and tools. */
export const inProcessDiffer: Differ = {
  diff: async (from, to) => diffRevisions(from, to),
  close: async () => {},
};

const RETRY_AFTER = { 'retry-after': '1' };

/**
 * Diffs on a thread of their own: DIFF_LIMITS bound their work, yet the costliest one they allow
 * still takes tens of milliseconds, which four clients repeating it would take from every reader.
 * A diff past `budgetMs` answers 503 too_costly.
 */
export function createThreadDiffer({ budgetMs, script }: { budgetMs: number; script?: URL }): Differ {
  const runner = createThreadRunner<{ from: DiffSide | null; to: DiffSide }, RevisionDiff>({
    script: script ?? new URL('./diff-worker.js', import.meta.url),
    budgetMs,
    tooCostly: () =>
      new AppError('too_costly', `The diff did not finish within its budget of ${budgetMs} ms`, {}, RETRY_AFTER),
    busy: () => new AppError('unavailable', 'Too many diffs are waiting; retry shortly', {}, RETRY_AFTER),
  });
  return { diff: (from, to) => runner.run({ from, to }), close: () => runner.close() };
}
