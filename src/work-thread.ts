/**
 * The work thread: searches (on its own read-only connection) and revision diffs, so that neither
 * holds the event loop. One thread for both: on a small machine, a second busy thread would take
 * the core the event loop needs. See src/work.ts for the side that sends the work.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from './db/client.js';
import { diffRevisions } from './modules/articles/revisions/diff.js';
import { createSearchRepository } from './modules/search/repository.js';
import { serveThread } from './shared/thread-runner.js';
import type { WorkRequest } from './work.js';

// Linux gives each thread its own nice value: this one yields the CPU to the event loop's thread
// when both want it. Where the system refuses (or applies it to the whole process), it stays as is.
if (process.platform === 'linux') {
  try {
    setPriority(10);
  } catch {
    // not permitted here: the thread keeps the process's priority
  }
}

const { databasePath } = workerData as { databasePath: string | null };
const search = databasePath === null ? null : createSearchRepository(openReadOnlyDatabase(databasePath).db);

serveThread<WorkRequest, unknown>(parentPort, (work) => {
  if (work.kind === 'diff') return diffRevisions(work.from, work.to, work.format);
  if (!search) throw new Error('this work thread has no database to search');
  return search.findMatches(work.query);
});
