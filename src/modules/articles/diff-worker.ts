/** The diff thread: computes revision diffs off the event loop (see diff-runner.ts). */
import { parentPort } from 'node:worker_threads';
import { serveThread } from '../../shared/thread-runner.js';
import { type DiffSide, diffRevisions } from './diff.js';

serveThread(parentPort, ({ from, to }: { from: DiffSide | null; to: DiffSide }) => diffRevisions(from, to));
