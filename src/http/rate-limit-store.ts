import { createRequire } from 'node:module';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis as RedisClient } from 'ioredis';
import type { Config } from '../config.js';
import type { RateLimitCounter } from '../db/pg/rate-limits.js';
import type { Clock } from '../shared/clock.js';

/**
 * Where the write budgets of @fastify/rate-limit are counted when several nodes serve: its own
 * memory store would give each node the whole budget, N nodes N times it.
 */
export interface SharedRateLimitStore {
  kind: 'redis' | 'postgres';
  /** Spread into the plugin's options. */
  options: Pick<RateLimitPluginOptions, 'store' | 'redis' | 'nameSpace' | 'skipOnError'>;
  close(): Promise<void>;
}

/** Redis's connection and each command give up this soon: a write never waits long on its budget. */
const REDIS_CONNECT_TIMEOUT_MS = 1_000;
const REDIS_COMMAND_TIMEOUT_MS = 500;
/** Expired rows are deleted by one node's hit at most this often (per node). */
const PRUNE_EVERY_MS = 60_000;

/**
 * Counts in Redis, through the plugin's own Redis store (a Lua INCR + PEXPIRE per hit).
 * Redis is not Fjord's database: while it cannot be reached, writes are let through uncounted
 * (`skipOnError`) rather than refused, and its state changes are logged once each. A command waits
 * for the connection (the first writes after start come before it), but at most one reconnection
 * attempt and REDIS_COMMAND_TIMEOUT_MS in all: an unreachable Redis delays a write by that, no more.
 */
export function redisRateLimitStore(url: string, log: FastifyBaseLogger, nameSpace = 'fjord-rate-limit:') {
  // Loaded only when REDIS_URL is set: a single node never pays for the client at start.
  const { Redis } = createRequire(import.meta.url)('ioredis') as { Redis: typeof RedisClient };
  const redis = new Redis(url, {
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    connectionName: 'fjord-rate-limit',
  });
  let down = false;
  redis.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    log.warn({ err }, 'Redis does not answer: writes are not counted against rate limits until it does');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('Redis answers again: rate limits are counted again');
  });
  return {
    kind: 'redis',
    options: { redis, nameSpace, skipOnError: true },
    async close() {
      // QUIT lets a command under way finish; a client that is not connected is simply dropped.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  } satisfies SharedRateLimitStore;
}

/**
 * The plugin's store interface over the database's counter (PostgreSQL's `rate_limits`: one upsert
 * per counted write). A database error fails the request (no `skipOnError`): the database is the
 * one every write needs anyway, and the error handler answers a lost connection with a 503.
 */
export function databaseRateLimitStore(counter: RateLimitCounter, clock: Clock): SharedRateLimitStore {
  let prunedAt = clock.now();
  const prune = (now: number) => {
    if (now - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now;
    // Off the request's path; a failure leaves the rows for the next prune.
    counter.prune(now).catch(() => {});
  };
  return {
    kind: 'postgres',
    options: { store: pgStoreClass(counter, clock, prune, 'write:') },
    close: async () => {},
  };
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

function pgStoreClass(
  counter: RateLimitCounter,
  clock: Clock,
  prune: (now: number) => void,
  prefix: string,
): FastifyRateLimitStoreCtor {
  return class PgRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number) {
      const now = clock.now();
      counter.hit(prefix + key, timeWindow, now).then(
        ({ count, resetAt }) => callback(null, { current: count, ttl: Math.max(0, resetAt - now) }),
        (err: Error) => callback(err),
      );
      prune(now);
    }

    /** The plugin's non-counting read (`{ increment: false }`). */
    read(key: string, callback: Callback) {
      const now = clock.now();
      counter.peek(prefix + key, now).then(
        ({ count, resetAt }) => callback(null, { current: count, ttl: Math.max(0, resetAt - now) }),
        (err: Error) => callback(err),
      );
    }

    /**
     * A route with a limit of its own counts under its method and URL, as the Redis store does. The
     * plugin passes the route's merged limit options, its route under `routeInfo` (not as typed).
     */
    child(options: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {};
      const Child = pgStoreClass(counter, clock, prune, `${prefix}${String(route.method)}${String(route.url)}-`);
      return new Child({});
    }
  };
}

/**
 * The shared store a deployment needs: Redis when REDIS_URL is set, else the database's counter
 * when the engine shares one (PostgreSQL), else none (one SQLite node counts in its own memory).
 */
export function sharedRateLimitStore(
  config: Pick<Config, 'REDIS_URL' | 'RATE_LIMIT_MAX'>,
  { counter, clock, log }: { counter?: RateLimitCounter | undefined; clock: Clock; log: FastifyBaseLogger },
): SharedRateLimitStore | undefined {
  if (config.RATE_LIMIT_MAX === 0) return undefined;
  if (config.REDIS_URL) return redisRateLimitStore(config.REDIS_URL, log);
  if (counter) return databaseRateLimitStore(counter, clock);
  return undefined;
}
