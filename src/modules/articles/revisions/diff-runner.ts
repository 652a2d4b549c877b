import type { RevisionDiff } from '../editor-schemas.js';
import { type DiffFormat, type DiffSide, diffRevisions } from './diff.js';

/** Computes a revision diff, here or on the work thread (src/work.ts). */
export interface Differ {
  diff(from: DiffSide | null, to: DiffSide, format: DiffFormat): Promise<RevisionDiff>;
}

/** On the caller's thread, bounded by DIFF_LIMITS only: for tests and tools. */
export const inProcessDiffer: Differ = {
  diff: async (from, to, format) => diffRevisions(from, to, format),
};
