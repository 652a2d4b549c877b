import pg from 'pg';
import type { ForeignChanges } from '../../shared/changes.js';

/** Surrogate keys another node's write changed, or 'all' when they are unknown (missed, too many to send). */
export type ChangeNotice = readonly string[] | 'all';
export type ChangeNoticeListener = (keys: ChangeNotice) => void;

/** Cache purges between the nodes serving one database. */
export interface ChangeBus {
  /** Tells every other node that the keys changed; resolves once the database has taken the notice. */
  publish(keys: readonly string[]): Promise<void>;
  /** Hears other nodes' changes, and 'all' whenever notices may have been missed. */
  subscribe(listener: ChangeNoticeListener): () => void;
  /**
   * Resolves once this node listens (at once when it does; after a lost connection, once it listens
   * again), opening the connection if no listener has yet.
   */
  listening(): Promise<void>;
  /** Whether notices reach this node now: false before the first LISTEN and while reconnecting. */
  isListening(): boolean;
  close(): Promise<void>;
}

export interface BusLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PgChangeBusOptions {
  url: string;
  /** A plain lower-case identifier: every node of one deployment uses the same. */
  channel?: string;
  /** This node's name, unique per process: its own notices come back to it, and are ignored. */
  origin: string;
  log: BusLogger;
  /** Sends the notices (the node's pool); without it they go through the listening connection. */
  pool?: Pick<pg.Pool, 'query'>;
  /** Bounds of the reconnection backoff, doubled per failed attempt. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /**
   * How often the listening connection is asked a `select 1`. A connection whose network went
   * silent raises no error for many minutes (TCP keep-alive gives up late); one that does not
   * answer within this much counts as lost.
   */
  heartbeatMs?: number;
}

/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. A change naming more keys than fit is
 * sent as 'all': every other node then drops its whole cache, which is always correct.
 */
export const MAX_PAYLOAD_BYTES = 7_900;
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

interface Wire {
  origin: string;
  keys: string[] | 'all';
}

function parseNotice(payload: string | undefined): Wire | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<Wire>;
    if (typeof value.origin !== 'string') return null;
    if (value.keys === 'all') return { origin: value.origin, keys: 'all' };
    if (Array.isArray(value.keys) && value.keys.every((k) => typeof k === 'string')) {
      return { origin: value.origin, keys: value.keys };
    }
  } catch {
    // A notice that is not ours (another program on the channel) is ignored like a malformed one.
  }
  return null;
}

/** The payload for `keys`, or for 'all' when it would be too large for NOTIFY. */
export function noticePayload(origin: string, keys: readonly string[]): string {
  const payload = JSON.stringify({ origin, keys });
  return Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? JSON.stringify({ origin, keys: 'all' }) : payload;
}

/**
 * LISTEN/NOTIFY on a connection of its own, outside the pool: a pooled connection goes back to the
 * pool and stops listening. The connection is opened by the first `subscribe` (or `listening`) and
 * kept for the process's life. When it is lost, the
 * bus reconnects with backoff, forever, and once it listens again tells its listeners 'all': notices
 * sent meanwhile were missed. No error of this connection ever reaches the process.
 */
export function createPgChangeBus({
  url,
  channel = 'fjord_changes',
  origin,
  log,
  pool,
  retryMinMs = 100,
  retryMaxMs = 5_000,
  heartbeatMs = 30_000,
}: PgChangeBusOptions): ChangeBus {
  if (!CHANNEL.test(channel)) throw new Error(`The channel "${channel}" is not a plain lower-case identifier`);
  const listeners = new Set<ChangeNoticeListener>();
  let client: pg.Client | null = null;
  let closed = false;
  let everListened = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let ready = deferred();

  function deliver(keys: ChangeNotice) {
    for (const listener of listeners) {
      try {
        listener(keys);
      } catch (err) {
        log.error({ err }, 'a change listener failed');
      }
    }
  }

  function onNotification(message: pg.Notification) {
    if (closed || message.channel !== channel) return;
    const notice = parseNotice(message.payload);
    if (!notice) {
      log.warn({ channel }, 'ignored a change notice that is not one');
      return;
    }
    if (notice.origin !== origin) deliver(notice.keys);
  }

  function scheduleConnect() {
    if (closed) return;
    const backoff = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(failures, 16));
    // Jitter, so that the nodes of a restarted database do not all come back in the same instant.
    retry = setTimeout(() => void connect(), backoff / 2 + Math.random() * (backoff / 2));
    retry.unref();
  }

  /** Forgets `lost` (once, whichever of 'error' and 'end' comes first) and connects again. */
  function onLost(lost: pg.Client, err?: unknown) {
    if (client !== lost) return;
    client = null;
    ready = deferred();
    lost.end().catch(() => {});
    if (closed) return;
    log.warn({ err, channel }, 'lost the change notices connection; reconnecting');
    // From now on purges may be missed: nothing held so far may be served.
    deliver('all');
    scheduleConnect();
  }

  async function connect() {
    const next = new pg.Client({
      connectionString: url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      application_name: `fjord-changes ${origin}`.slice(0, 63),
    });
    next.on('notification', onNotification);
    next.on('error', (err) => onLost(next, err));
    next.on('end', () => onLost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (err) {
      // Its 'error' and 'end' find it is not the current connection, and do nothing.
      next.end().catch(() => {});
      if (closed) return;
      failures++;
      log.warn({ err, channel, failures }, 'cannot listen for change notices yet; retrying');
      scheduleConnect();
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    failures = 0;
    if (everListened) {
      log.info({ channel }, 'listening for change notices again; dropping everything cached');
      deliver('all');
    }
    everListened = true;
    ready.resolve();
  }

  async function heartbeat() {
    const current = client;
    if (!current) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        current.query('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${heartbeatMs} ms`)), heartbeatMs);
        }),
      ]);
    } catch (err) {
      onLost(current, err);
    } finally {
      clearTimeout(timer);
    }
  }

  let beat: NodeJS.Timeout | undefined;
  /** The connection is opened by the first listener: a process that only publishes (the CLI) never opens it. */
  function start() {
    if (beat || closed) return;
    beat = setInterval(() => void heartbeat(), heartbeatMs);
    beat.unref();
    void connect();
  }

  return {
    async publish(keys) {
      if (keys.length === 0) return;
      const payload = noticePayload(origin, keys);
      const via = pool ?? client;
      if (!via) throw new Error('The change notices connection is down');
      await via.query('select pg_notify($1, $2)', [channel, payload]);
    },
    subscribe(listener) {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
      };
    },
    listening() {
      start();
      return ready.promise;
    },
    isListening: () => client !== null,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      clearInterval(beat);
      ready.resolve();
      const last = client;
      client = null;
      await last?.end().catch(() => {});
    },
  };
}

/**
 * The bus as the engine's `foreign` changes. A notice that cannot be sent is logged, not thrown:
 * the write it announces is committed and acknowledged, and the other nodes' entries for it
 * expire after CACHE_MAX_AGE_S all the same.
 */
export function foreignChangesOver(bus: ChangeBus, log: BusLogger): ForeignChanges {
  return {
    // While notices cannot arrive (before the first LISTEN, while reconnecting), a purge from
    // another node could be missed: each request then finds the cache emptied, so it is read, not served.
    check: () => (bus.isListening() ? null : 'all'),
    subscribe: (listener) => bus.subscribe(listener),
    publish(keys) {
      bus.publish(keys).catch((err: unknown) => {
        log.error(
          { err, keys },
          'could not tell the other nodes of a change; they may serve it stale until it expires',
        );
      });
    },
  };
}

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
