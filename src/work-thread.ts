/**
 * The work thread: searches (on its own read-only connection) and revision diffs, so that neither
 * holds the event loop. One thread for both: on a small machine, a second busy thread would take
 * the core the event loop needs. See src/work.ts for the side that sends the work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from './db/client.js';
import { diffRevisions } from './modules/articles/diff.js';
import { createSearchRepository } from './modules/search/repository.js';
import { serveThread } from './shared/thread-runner.js';
import type { WorkRequest } from './work.js';

const { db } = openReadOnlyDatabase((workerData as { databasePath: string }).databasePath);
const search = createSearchRepository(db);

serveThread<WorkRequest, unknown>(parentPort, (work) =>
  work.kind === 'search' ? search.findMatches(work.query) : diffRevisions(work.from, work.to),
);
