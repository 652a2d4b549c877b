/**
 * The search thread: runs findMatches on its own read-only connection, so that a costly search
 * holds this thread, never the event loop, and can be stopped by terminating the thread
 * (better-sqlite3 offers neither a progress handler nor an interrupt).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from '../../db/client.js';
import { createSearchRepository, type SearchQuery } from './repository.js';

export interface SearchRequest {
  id: number;
  query: SearchQuery;
}

const port = parentPort;
if (!port) throw new Error('search-worker runs as a worker thread');
const { db } = openReadOnlyDatabase((workerData as { path: string }).path);
const repo = createSearchRepository(db);

port.on('message', (message: SearchRequest) => {
  repo.findMatches(message.query).then(
    (hits) => port.postMessage({ id: message.id, hits }),
    (err: unknown) => port.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
port.postMessage({ ready: true });
