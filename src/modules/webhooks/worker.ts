/**
 * The delivery worker, one per server process: it claims due deliveries, makes each attempt, and
 * records what came of it. It polls, and is woken at once when this process (or, on PostgreSQL,
 * another) commits a write, so an event usually leaves within milliseconds of its commit.
 */
import { setMaxListeners } from 'node:events';
import type { Config } from '../../config.js';
import type { EngineLog } from '../../engine/engine.js';
import type { Clock } from '../../shared/clock.js';
import { type Backoff, DEFAULT_BACKOFF } from './backoff.js';
import { judge, streakReason } from './outcome.js';
import { payloadOf, signedHeaders } from './payload.js';
import type { ClaimedDelivery, DeliveryQueue, Settlement } from './queue.js';
import { createSender, type Sender } from './sender.js';
import type { Resolver } from './target.js';

export interface DeliverySettings {
  /** Attempts in flight at most. */
  concurrency: number;
  timeoutMs: number;
  /** How long after its event a delivery is still tried. */
  retryWindowMs: number;
  backoff: Backoff;
  /** Consecutive failed attempts that disable a webhook. */
  disableAfter: number;
  allowPrivate: boolean;
  /** How often the queue is looked at when nothing wakes the worker. */
  pollMs: number;
  /** How much of an answer's body is read and kept. */
  excerptBytes: number;
}

export function deliverySettingsFrom(config: Config): DeliverySettings {
  return {
    concurrency: config.WEBHOOKS_CONCURRENCY,
    timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
    retryWindowMs: config.WEBHOOKS_RETRY_HOURS * 3_600_000,
    backoff: { ...DEFAULT_BACKOFF, baseMs: config.WEBHOOKS_BACKOFF_BASE_MS },
    disableAfter: config.WEBHOOKS_DISABLE_AFTER,
    allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE,
    pollMs: 1_000,
    excerptBytes: 1_024,
  };
}

/** Records of attempts that end within this window share one commit: under load, a few ms of delay for many fewer fsyncs. */
const SETTLE_WINDOW_MS = 5;
/** How long a stopping process waits for its attempts in flight before it aborts them. */
const STOP_GRACE_MS = 3_000;
/** A claim outlives its attempt's timeout by this much; past it, a crashed process's claim is taken again. */
const LEASE_MARGIN_MS = 30_000;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export interface DeliveryWorker {
  start(): void;
  /** Looks at the queue now (a write was committed). */
  wake(): void;
  /** One pass at `now`: claims what is due, attempts it, and resolves when every attempt is recorded. */
  runOnce(now?: number): Promise<number>;
  /** Stops polling; waits briefly for attempts in flight, then aborts and gives back the rest. */
  stop(): Promise<void>;
}

export function createDeliveryWorker({
  queue,
  clock,
  settings,
  log,
  send,
  resolve,
  random = Math.random,
}: {
  queue: DeliveryQueue;
  clock: Clock;
  settings: DeliverySettings;
  log: EngineLog;
  /** Replaces HTTP, for tests of the rules alone. */
  send?: Sender;
  resolve?: Resolver;
  random?: () => number;
}): DeliveryWorker {
  const aborted = new AbortController();
  // Each attempt in flight listens to it: as many listeners as attempts is the design, not a leak.
  setMaxListeners(settings.concurrency + 1, aborted.signal);
  const sender =
    send ??
    createSender({
      timeoutMs: settings.timeoutMs,
      allowPrivate: settings.allowPrivate,
      excerptBytes: settings.excerptBytes,
      signal: aborted.signal,
      ...(resolve ? { resolve } : {}),
    });
  const inFlight = new Map<number, Promise<void>>();
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let pass: Promise<void> | null = null;
  let again = false;

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const body = payloadOf(delivery.event);
    const result = await sender(
      delivery.url,
      signedHeaders(delivery.secret, delivery.event.id, body, clock.now()),
      body,
    );
    // Cut short by a shutdown: not the receiver's failure, so the attempt is not counted.
    if (aborted.signal.aborted) return queue.release(delivery);
    const at = clock.now();
    const verdict = judge(
      result,
      { now: at, attempts: delivery.attempts + 1, occurredAt: delivery.event.occurredAt },
      { retryWindowMs: settings.retryWindowMs, backoff: settings.backoff, random },
    );
    await record({
      delivery,
      at,
      result,
      verdict,
      disableAfter: settings.disableAfter,
      streakReason: (streak) => streakReason(streak, result),
    });
    if (verdict.nextAttemptAt !== null) schedule(verdict.nextAttemptAt);
  }

  /**
   * Queues an attempt's record; every record queued before the next turn of the event loop is
   * written in one transaction, so a burst of answers costs one commit rather than one each.
   */
  let batch: { settlement: Settlement; done: () => void; failed: (err: unknown) => void }[] = [];
  function record(settlement: Settlement): Promise<void> {
    if (batch.length === 0) setTimeout(flush, SETTLE_WINDOW_MS);
    return new Promise<void>((done, failed) => batch.push({ settlement, done, failed }));
  }
  function flush() {
    const taken = batch;
    batch = [];
    queue.settle(taken.map((t) => t.settlement)).then(
      () => {
        for (const t of taken) t.done();
      },
      (err: unknown) => {
        for (const t of taken) t.failed(err);
      },
    );
  }

  /** Claims as much as there is room for, and starts the attempts; returns them. */
  async function fill(now: number, keepGoing: () => boolean): Promise<Promise<void>[]> {
    const started: Promise<void>[] = [];
    for (;;) {
      const room = settings.concurrency - inFlight.size;
      // While attempts are under way, wait for room for a few at once: each claim is a commit.
      const worthIt = inFlight.size === 0 ? 1 : Math.ceil(settings.concurrency / 4);
      if (room < worthIt || !keepGoing() || !(await queue.hasDue(now))) break;
      const claimed = await queue.claim(now, room, now + settings.timeoutMs + LEASE_MARGIN_MS);
      for (const delivery of claimed) {
        if (!keepGoing()) {
          await queue.release(delivery);
          continue;
        }
        const run = attempt(delivery)
          .catch((err: unknown) => log.error({ err, delivery: delivery.id }, 'recording a webhook attempt failed'))
          .finally(() => {
            inFlight.delete(delivery.id);
            wake();
          });
        inFlight.set(delivery.id, run);
        started.push(run);
      }
      if (claimed.length < room) break;
    }
    return started;
  }

  function schedule(at: number) {
    if (!running || (timer !== null && timerAt <= at)) return;
    if (timer !== null) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(tick, Math.max(0, at - clock.now()));
    // A worker never keeps the process alive by itself.
    timer.unref();
  }

  function wake() {
    schedule(clock.now());
  }

  function tick() {
    timer = null;
    timerAt = Number.POSITIVE_INFINITY;
    if (!running) return;
    if (pass) {
      again = true;
      return;
    }
    pass = fill(clock.now(), () => running)
      .then(() => undefined)
      .catch((err: unknown) => log.error({ err }, 'looking for due webhook deliveries failed'))
      .finally(() => {
        pass = null;
        if (again) {
          again = false;
          wake();
        } else schedule(clock.now() + settings.pollMs);
      });
  }

  return {
    start() {
      if (running || settings.concurrency === 0) return;
      running = true;
      wake();
    },
    wake,
    async runOnce(now = clock.now()) {
      const started = await fill(now, () => true);
      await Promise.all(started);
      return started.length;
    },
    async stop() {
      running = false;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await pass;
      const underway = [...inFlight.values()];
      if (underway.length === 0) return;
      const done = Promise.all(underway).then(() => true);
      if (!(await Promise.race([done, sleep(STOP_GRACE_MS).then(() => false)]))) {
        aborted.abort();
        await Promise.allSettled(underway);
      }
    },
  };
}
