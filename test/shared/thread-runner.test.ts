import { afterEach, describe, expect, it } from 'vitest';
import { createThreadRunner, MAX_QUEUED, type ThreadRunner } from '../../src/shared/thread-runner.js';

// A thread for tests: "stuck" never returns (work that runs forever), "exit" ends the
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
const query = (match: string) => ({ match });
let runner: ThreadRunner<{ match: string }, unknown[]>;
const start = (budgetMs: number, script_ = script) =>
  createThreadRunner<{ match: string }, unknown[]>({
    script: script_,
    budgetMs,
    tooCostly: (request) =>
      Object.assign(new Error(`too costly: ${(request as { match: string }).match}`), { code: 'too_costly' }),
    busy: () => Object.assign(new Error('busy'), { code: 'unavailable' }),
    // The stuck job spins in JavaScript, where a thread may be terminated at any moment.
    forceAfterMs: 100,
  });

afterEach(async () => {
  await runner.close();
});

describe('createThreadRunner', () => {
  it('answers from the thread', async () => {
    runner = start(5000);
    await expect(runner.run(query('norvège'))).resolves.toEqual([]);
  });

  it('stops work past its budget with the tooCostly error, and serves the next on a new thread', async () => {
    runner = start(200);
    await runner.run(query('warm-up'));
    await expect(runner.run(query('stuck'))).rejects.toMatchObject({
      code: 'too_costly',
      message: 'too costly: stuck',
    });
    // The stuck thread spins forever; only a terminated and replaced thread can answer this.
    await expect(runner.run(query('after'))).resolves.toEqual([]);
  });

  it('keeps the event loop free while work is stuck', async () => {
    runner = start(5000);
    await runner.run(query('warm-up'));
    let settled = false;
    const stuck = runner.run(query('stuck')).finally(() => {
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

  it('refuses work at once when too much is waiting', async () => {
    runner = start(5000);
    await runner.run(query('warm-up'));
    // One runs, MAX_QUEUED wait.
    const waiting = Array.from({ length: MAX_QUEUED + 1 }, () => runner.run(query('stuck')));
    for (const p of waiting) p.catch(() => {});
    await expect(runner.run(query('one more'))).rejects.toMatchObject({ code: 'unavailable', message: 'busy' });
  });

  it('rejects with the error of the thread when the work fails', async () => {
    runner = start(5000);
    await expect(runner.run(query('fail'))).rejects.toThrow('the thread failed: no such column');
  });

  it('rejects the work whose thread exits, and serves the next on a new thread', async () => {
    runner = start(5000);
    await runner.run(query('warm-up'));
    await expect(runner.run(query('exit'))).rejects.toThrow('the thread exited with 3');
    await expect(runner.run(query('after'))).resolves.toEqual([]);
  });

  it('fails waiting work when the thread cannot start, instead of restarting it in a loop', async () => {
    runner = start(5000, new URL('./no-such-thread.mjs', import.meta.url));
    await expect(runner.run(query('x'))).rejects.toThrow(/Cannot find module/);
  });
});
