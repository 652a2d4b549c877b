import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerRunner, type SearchRunner } from '../../src/modules/search/runner.js';
import { MAX_QUEUED } from '../../src/shared/thread-runner.js';

// A search thread for tests: "stuck" never returns (a search that runs forever), "exit" ends the
// thread, "fail" errs, anything else answers no hits at once.
const script = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    parentPort.on('message', ({ id, request }) => {
      if (request.match === 'stuck') for (;;);
      if (request.match === 'exit') process.exit(3);
      if (request.match === 'fail') parentPort.postMessage({ id, error: 'no such column' });
      else parentPort.postMessage({ id, result: [] });
    });
    parentPort.postMessage({ ready: true });
  `)}`,
);
const query = (match: string) => ({ match, limit: 10, after: null });
let runner: SearchRunner;

afterEach(async () => {
  await runner.close();
});

describe('createWorkerRunner', () => {
  it('answers from the search thread', async () => {
    runner = createWorkerRunner({ databasePath: 'unused', budgetMs: 5000, script });
    await expect(runner.findMatches(query('norvège'))).resolves.toEqual([]);
  });

  it('stops a search past its budget with a 503 too_costly problem, and serves the next on a new thread', async () => {
    runner = createWorkerRunner({ databasePath: 'unused', budgetMs: 200, script });
    await runner.findMatches(query('warm-up'));
    await expect(runner.findMatches(query('stuck'))).rejects.toMatchObject({
      code: 'too_costly',
      status: 503,
      message: 'The search did not finish within its budget of 200 ms; search for fewer or longer words',
      headers: { 'retry-after': '1' },
    });
    // The stuck thread spins forever; only a terminated and replaced thread can answer this.
    await expect(runner.findMatches(query('after'))).resolves.toEqual([]);
  });

  it('keeps the event loop free while a search is stuck', async () => {
    runner = createWorkerRunner({ databasePath: 'unused', budgetMs: 5000, script });
    await runner.findMatches(query('warm-up'));
    let settled = false;
    const stuck = runner.findMatches(query('stuck')).finally(() => {
      settled = true;
    });
    stuck.catch(() => {});
    const ticks = await new Promise<number>((resolve) => {
      let n = 0;
      const tick = () => (++n === 20 ? resolve(n) : setImmediate(tick));
      tick();
    });
    expect(ticks).toBe(20);
    expect(settled).toBe(false);
  });

  it('refuses a search at once when too many are waiting', async () => {
    runner = createWorkerRunner({ databasePath: 'unused', budgetMs: 5000, script });
    await runner.findMatches(query('warm-up'));
    // One runs, MAX_QUEUED wait.
    const waiting = Array.from({ length: MAX_QUEUED + 1 }, () => runner.findMatches(query('stuck')));
    for (const p of waiting) p.catch(() => {});
    await expect(runner.findMatches(query('one more'))).rejects.toMatchObject({
      code: 'unavailable',
      status: 503,
      headers: { 'retry-after': '1' },
    });
  });

  it('rejects with the thread error when the search fails', async () => {
    runner = createWorkerRunner({ databasePath: 'unused', budgetMs: 5000, script });
    await expect(runner.findMatches(query('fail'))).rejects.toThrow('the thread failed: no such column');
  });

  it('rejects the search whose thread exits, and serves the next on a new thread', async () => {
    runner = createWorkerRunner({ databasePath: 'unused', budgetMs: 5000, script });
    await runner.findMatches(query('warm-up'));
    await expect(runner.findMatches(query('exit'))).rejects.toThrow('the thread exited with 3');
    await expect(runner.findMatches(query('after'))).resolves.toEqual([]);
  });

  it('fails waiting searches when the thread cannot start, instead of restarting it in a loop', async () => {
    runner = createWorkerRunner({
      databasePath: 'unused',
      budgetMs: 5000,
      script: new URL('./no-such-search-worker.mjs', import.meta.url),
    });
    await expect(runner.findMatches(query('x'))).rejects.toThrow(/Cannot find module/);
  });
});
