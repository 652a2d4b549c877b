import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import type { SearchHit, SearchQuery, SearchRepository } from './repository.js';
import type { SearchRequest } from './search-worker.js';

/** Where searches run: in the caller's thread, or on a search thread under a hard time budget. */
export interface SearchRunner {
  findMatches(query: SearchQuery): Promise<SearchHit[]>;
  close(): Promise<void>;
}

/** In-process: for an in-memory database, which no other thread can open. Bounded by SEARCH_LIMITS only. */
export function inProcessRunner(repo: SearchRepository): SearchRunner {
  return { findMatches: (query) => repo.findMatches(query), close: async () => {} };
}

/** Searches waiting beyond this many are refused at once: a queue is not a place to hide a flood. */
const MAX_QUEUED = 32;
/** A queued search waits at most this many budgets for the thread before it is refused. */
const WAIT_BUDGETS = 4;
/** Terminated threads still finishing a native SQLite call; no new thread starts beyond this many. */
const MAX_STOPPING = 2;
const RETRY_AFTER_S = '1';

export interface WorkerRunnerOptions {
  databasePath: string;
  budgetMs: number;
  /** The worker script; tests pass their own to prove how a stuck thread is handled. */
  script?: URL;
}

interface Job {
  id: number;
  query: SearchQuery;
  resolve: (hits: SearchHit[]) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

type Reply = { ready: true } | { id: number; hits: SearchHit[] } | { id: number; error: string };

const busy = () =>
  new AppError('unavailable', 'Too many searches are waiting; retry shortly', {}, { 'retry-after': RETRY_AFTER_S });
const tooCostly = (budgetMs: number) =>
  new AppError(
    'search_too_costly',
    `The search did not finish within its budget of ${budgetMs} ms; search for fewer or longer words`,
    {},
    { 'retry-after': RETRY_AFTER_S },
  );

/** tsx's ESM register API by its package's export map (require.resolve would give the CommonJS one). */
function tsxApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  return pathToFileURL(join(dirname(manifest), entry)).href;
}

/**
 * The compiled worker beside this file, or else its TypeScript source. A worker thread on Node 20
 * does not get the loader hooks of `--import tsx`, so the source is loaded by a bootstrap that
 * registers tsx in the thread first.
 */
function workerFor(script: URL | undefined, workerData: unknown): Worker {
  const js = new URL('./search-worker.js', import.meta.url);
  if (script || existsSync(js)) return new Worker(script ?? js, { workerData });
  const api = tsxApi();
  const source = new URL('./search-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Runs every search on one worker thread with its own read-only connection, one at a time. A search
 * still running after `budgetMs` is answered with a 503 search_too_costly problem and its thread is
 * terminated and replaced: the event loop never waits on a search, and no search outlives its budget.
 */
export function createWorkerRunner({ databasePath, budgetMs, script }: WorkerRunnerOptions): SearchRunner {
  const queue: Job[] = [];
  let worker: Worker | null = null;
  let ready = false;
  let current: Job | null = null;
  let stopping = 0;
  let nextId = 1;
  let closed = false;

  function spawn() {
    const thread = workerFor(script, { path: databasePath });
    thread.unref();
    thread.on('message', (reply: Reply) => {
      if (thread !== worker) return;
      if ('ready' in reply) {
        ready = true;
      } else if (current && reply.id === current.id) {
        const job = current;
        current = null;
        clearTimeout(job.timer);
        if ('hits' in reply) job.resolve(reply.hits);
        else job.reject(new Error(`search failed: ${reply.error}`));
      }
      pump();
    });
    const fail = (err: Error) => {
      if (thread !== worker) return;
      const booting = !ready;
      stop();
      if (current) failQueued(current, err);
      current = null;
      // A thread that cannot even start would fail again: the waiting searches fail now, not in a loop.
      if (booting) for (const job of queue.splice(0)) failQueued(job, err);
      pump();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`the search thread exited with ${code}`)));
    worker = thread;
    ready = false;
  }

  /** Terminates the thread; it may finish the SQLite call it is in first, so it is counted until it exits. */
  function stop() {
    const thread = worker;
    worker = null;
    ready = false;
    if (!thread) return;
    stopping += 1;
    void thread.terminate().finally(() => {
      stopping -= 1;
      pump();
    });
  }

  function failQueued(job: Job, err: Error) {
    clearTimeout(job.timer);
    job.reject(err);
  }

  function pump() {
    if (closed || current || queue.length === 0) return;
    if (!worker) {
      if (stopping < MAX_STOPPING) spawn();
      return;
    }
    if (!ready) return;
    const job = queue.shift() as Job;
    clearTimeout(job.timer);
    current = job;
    job.timer = setTimeout(() => {
      if (current !== job) return;
      current = null;
      job.reject(tooCostly(budgetMs));
      stop();
      pump();
    }, budgetMs);
    worker.postMessage({ id: job.id, query: job.query } satisfies SearchRequest);
  }

  return {
    findMatches(query) {
      if (closed) return Promise.reject(new Error('the search runner is closed'));
      if (queue.length >= MAX_QUEUED) return Promise.reject(busy());
      return new Promise<SearchHit[]>((resolve, reject) => {
        const job: Job = { id: nextId++, query, resolve, reject };
        job.timer = setTimeout(() => {
          queue.splice(queue.indexOf(job), 1);
          reject(busy());
        }, budgetMs * WAIT_BUDGETS);
        queue.push(job);
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) failQueued(job, new Error('the search runner is closed'));
      if (current) {
        clearTimeout(current.timer);
        current.reject(new Error('the search runner is closed'));
        current = null;
      }
      const thread = worker;
      worker = null;
      if (thread) await thread.terminate();
    },
  };
}
