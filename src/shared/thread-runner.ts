import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type MessagePort, Worker } from 'node:worker_threads';

/**
 * Runs costly work (searches, diffs) on one worker thread, one job at a time, so that it never
 * holds the event loop: better-sqlite3 and the diff algorithms are synchronous and cannot be
 * interrupted from inside. A job still running after `budgetMs` is rejected with `tooCostly()`
 * and its thread retired and replaced, so no request waits past its budget.
 *
 * A retired thread is terminated only once it is idle again: terminating a thread inside a native
 * call (a better-sqlite3 statement) aborts the whole process when the call returns into the dying
 * isolate (V8's "Empty MaybeLocal" fatal error). At most MAX_RETIRING of them finish their last job
 * at once; past that, jobs wait for one of them, and are refused when they have waited too long.
 * One that is still busy after `forceAfterMs` is spinning in JavaScript (every statement the
 * threads run is bounded well below that), where terminating it is safe, and is terminated.
 *
 * The thread's script answers `{ ready: true }` once it can work, then `{ id, result }` or
 * `{ id, error }` for each `{ id, request }`.
 */
export interface ThreadRunner<Req, Res> {
  run(request: Req): Promise<Res>;
  close(): Promise<void>;
}

export interface ThreadRunnerOptions {
  /** The script of the thread, compiled (.js) or TypeScript source (.ts, loaded through tsx). */
  script: URL;
  workerData?: unknown;
  budgetMs: number;
  /** The error for a job past its budget. */
  tooCostly: (request: unknown) => Error;
  /** The error for a job that cannot even start: too many waiting, or waiting too long. */
  busy: () => Error;
  /** A retired thread still busy after this long is terminated all the same; 30 s unless given. */
  forceAfterMs?: number;
}

/** Jobs waiting beyond this many are refused at once: a queue is not a place to hide a flood. */
export const MAX_QUEUED = 256;
/** A queued job waits at most this many budgets for the thread before it is refused. */
const WAIT_BUDGETS = 4;
/** Retired threads still finishing their last job; no new thread starts beyond this many. */
const MAX_RETIRING = 2;

interface Job<Req, Res> {
  id: number;
  request: Req;
  resolve: (result: Res) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

type Reply<Res> = { ready: true } | { id: number; result: Res } | { id: number; error: string };

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
 * The compiled script when it exists, or else its TypeScript source. A worker thread on Node 20
 * does not get the loader hooks of `--import tsx`, so the source is loaded by a bootstrap that
 * registers tsx in the thread first.
 */
export function threadScript(compiled: URL): URL | string {
  if (existsSync(compiled) || !compiled.pathname.endsWith('.js')) return compiled;
  const source = new URL(compiled.href.replace(/\.js$/, '.ts')).href;
  return `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
}

export function createThreadRunner<Req, Res>(options: ThreadRunnerOptions): ThreadRunner<Req, Res> {
  const { budgetMs } = options;
  const queue: Job<Req, Res>[] = [];
  let worker: Worker | null = null;
  let ready = false;
  let current: Job<Req, Res> | null = null;
  /** Threads retired while busy, each resolved to terminated once its last job has answered. */
  const retiring = new Map<Worker, Promise<void>>();
  let nextId = 1;
  let closed = false;

  function spawn() {
    const script = threadScript(options.script);
    const thread = new Worker(script, { workerData: options.workerData, eval: typeof script === 'string' });
    thread.unref();
    thread.on('message', (reply: Reply<Res>) => {
      if (retiring.has(thread)) {
        // Its last job answered: the thread is idle in JavaScript, where terminating it is safe.
        void thread.terminate();
        return;
      }
      if (thread !== worker) return;
      if ('ready' in reply) {
        ready = true;
      } else if (current && reply.id === current.id) {
        const job = current;
        current = null;
        clearTimeout(job.timer);
        if ('result' in reply) job.resolve(reply.result);
        else job.reject(new Error(`the thread failed: ${reply.error}`));
      }
      pump();
    });
    const fail = (err: Error) => {
      if (thread !== worker) return;
      const booting = !ready;
      worker = null;
      ready = false;
      void thread.terminate();
      if (current) failJob(current, err);
      current = null;
      // A thread that cannot even start would fail again: the waiting jobs fail now, not in a loop.
      if (booting) for (const job of queue.splice(0)) failJob(job, err);
      pump();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => {
      if (retiring.delete(thread)) pump();
      else fail(new Error(`the thread exited with ${code}`));
    });
    worker = thread;
    ready = false;
  }

  /** Takes the busy thread out of service; it is terminated when its job answers (see the message handler). */
  function retire() {
    const thread = worker;
    worker = null;
    ready = false;
    if (!thread) return;
    const force = setTimeout(() => void thread.terminate(), options.forceAfterMs ?? 30_000);
    force.unref();
    retiring.set(
      thread,
      new Promise((resolve) => {
        thread.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
      }),
    );
  }

  function failJob(job: Job<Req, Res>, err: Error) {
    clearTimeout(job.timer);
    job.reject(err);
  }

  function pump() {
    if (closed || current || queue.length === 0) return;
    if (!worker) {
      if (retiring.size < MAX_RETIRING) spawn();
      return;
    }
    if (!ready) return;
    const job = queue.shift() as Job<Req, Res>;
    clearTimeout(job.timer);
    current = job;
    job.timer = setTimeout(() => {
      if (current !== job) return;
      current = null;
      job.reject(options.tooCostly(job.request));
      retire();
      pump();
    }, budgetMs);
    worker.postMessage({ id: job.id, request: job.request });
  }

  return {
    run(request) {
      if (closed) return Promise.reject(new Error('the thread runner is closed'));
      if (queue.length >= MAX_QUEUED) return Promise.reject(options.busy());
      return new Promise<Res>((resolve, reject) => {
        const job: Job<Req, Res> = { id: nextId++, request, resolve, reject };
        job.timer = setTimeout(() => {
          queue.splice(queue.indexOf(job), 1);
          reject(options.busy());
        }, budgetMs * WAIT_BUDGETS);
        queue.push(job);
        pump();
      });
    },
    async close() {
      closed = true;
      const closedError = new Error('the thread runner is closed');
      for (const job of queue.splice(0)) failJob(job, closedError);
      if (current) {
        failJob(current, closedError);
        // Busy in a native call: terminated when it answers, never in the middle (see above).
        retire();
      }
      current = null;
      const thread = worker;
      worker = null;
      if (thread) await thread.terminate();
      await Promise.all(retiring.values());
    },
  };
}

/** The thread side: answers each request with `work`, after `{ ready: true }`. */
export function serveThread<Req, Res>(port: MessagePort | null, work: (request: Req) => Res | Promise<Res>) {
  if (!port) throw new Error('this script runs as a worker thread');
  port.on('message', ({ id, request }: { id: number; request: Req }) => {
    Promise.resolve()
      .then(() => work(request))
      .then(
        (result) => port.postMessage({ id, result }),
        (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  port.postMessage({ ready: true });
}
