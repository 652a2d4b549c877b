/**
 * The search thread: runs findMatches on its own read-only connection, so that a costly search
 * holds this thread, never the event loop, and can be stopped by terminating the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from '../../db/client.js';
import { serveThread } from '../../shared/thread-runner.js';
import { createSearchRepository, type SearchQuery } from './repository.js';

const { db } = openReadOnlyDatabase((workerData as { path: string }).path);
const repo = createSearchRepository(db);
serveThread(parentPort, (query: SearchQuery) => repo.findMatches(query));
