import { isIP } from 'node:net';
import { z } from 'zod';
import { POSTGRES_URL } from './db/url.js';
// A bad variable is explained in Fjord's words, whichever check it fails.
import './shared/validation-messages.js';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const seconds = z.coerce
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(0, 'must not be negative');

const corsOrigins = z
  .string()
  .trim()
  .min(1, 'must be * or a comma-separated list of origins')
  .transform((value, ctx) => {
    if (value === '*') return '*' as const;
    const origins = value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of origins) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.origin !== origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin like https://example.com`,
        });
        return z.NEVER;
      }
    }
    return origins;
  });

const count = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative');

/** A comma-separated list: items trimmed, empty ones dropped, each checked by `valid`. */
function commaList(valid: (item: string) => string | null, normalize = (item: string) => item) {
  return z.string().transform((value, ctx) => {
    const items = value
      .split(',')
      .map((item) => normalize(item.trim()))
      .filter(Boolean);
    for (const item of items) {
      const problem = valid(item);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: `"${item}" ${problem}` });
        return z.NEVER;
      }
    }
    return items;
  });
}

const words = commaList(
  () => null,
  (w) => w.toLowerCase(),
);

/** E-mail patterns: an address or a glob with `*`, such as `*@spam.example`. */
const emailPatterns = commaList(
  (p) => (/^[^\s@,]*@[^\s@,]+$/.test(p) ? null : 'is not an e-mail pattern like *@example.com'),
  (p) => p.toLowerCase(),
);

/** IP patterns: one address (203.0.113.7) or a CIDR range (203.0.113.0/24, 2001:db8::/32). */
const ipPatterns = commaList((p) => {
  const [address = '', prefix, ...rest] = p.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return 'is not an IP address or CIDR range';
  if (prefix === undefined) return null;
  const bits = Number(prefix);
  const max = version === 4 ? 32 : 128;
  return /^\d+$/.test(prefix) && bits <= max ? null : `has a prefix length that is not 0 to ${max}`;
});

/** Fastify's trustProxy: true/false, a number of hops, or a comma-separated list of proxy addresses or ranges. */
const trustProxy = z.string().transform((value, ctx): boolean | number | string[] => {
  const trimmed = value.trim();
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const parsed = ipPatterns.safeParse(trimmed);
  if (!parsed.success || parsed.data.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must be true, false, a number of hops or a list of proxy addresses' });
    return z.NEVER;
  }
  return parsed.data;
});

/** An http(s) URL with `{token}` where the preview token goes, such as https://site.example/preview?token={token}. */
const previewUrl = z
  .string()
  .trim()
  .refine((value) => value.includes('{token}'), 'must contain {token}, where the preview token goes')
  .refine((value) => {
    try {
      return /^https?:$/.test(new URL(value.replaceAll('{token}', 'token')).protocol);
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL such as https://site.example/preview?token={token}');

export const ConfigSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/fjord.db'),
  /**
   * A postgres:// (or postgresql://) URL selects PostgreSQL, for several nodes on one database;
   * unset, Fjord uses SQLite at DATABASE_PATH.
   */
  DATABASE_URL: z.string().regex(POSTGRES_URL, 'must be a postgres:// or postgresql:// URL').optional(),
  /** Connections each node keeps to PostgreSQL at most. */
  PG_POOL_MAX: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').max(1000).default(10),
  /** A redis:// URL: rate limits are then counted in Redis, shared by every node; unset, in the database. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/./i, 'must be a redis:// or rediss:// URL')
    .optional(),
  CORS_ORIGINS: corsOrigins.default('*'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Logs as JSON lines or as lines for a person; unset, pretty on a terminal and JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  MIGRATE_ON_START: booleanFromEnv.default(true),
  CACHE_MAX_AGE_S: seconds.default(60),
  CACHE_STALE_WHILE_REVALIDATE_S: seconds.default(300),
  /** Memory for serialized public responses, least recently used out first; 0 turns the cache off. */
  RESPONSE_CACHE_BYTES: z.coerce.number({ error: 'must be a number of bytes' }).int().min(0).default(67_108_864),
  /** Largest request body accepted; larger ones get a 413 problem. */
  BODY_LIMIT_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .min(1024, 'must be at least 1024')
    .default(1_048_576),
  /** A request whose body is not fully received by then gets a 408 and its connection closed. */
  REQUEST_TIMEOUT_S: seconds.min(1, 'must be at least 1').default(30),
  /** A request whose headers are not fully received by then gets a 408; at most REQUEST_TIMEOUT_S. */
  HEADERS_TIMEOUT_S: seconds.min(1, 'must be at least 1').default(10),
  /** An idle keep-alive connection is closed after this; behind a pooling proxy, set it above the proxy's idle timeout. */
  KEEP_ALIVE_TIMEOUT_S: seconds.min(1, 'must be at least 1').default(5),
  /** Open connections at most; more are closed at once. Keep it below the process's file limit (ulimit -n); 0 turns the cap off. */
  MAX_CONNECTIONS: count.default(1000),
  /** How long a write waits for another process's write lock before a 503; the wait holds the event loop. */
  SQLITE_BUSY_TIMEOUT_MS: count.max(60_000, 'must be at most 60000').default(1000),
  /** Writes (POST, PATCH, DELETE) per token, or per IP without a token, per window; 0 turns the limit off. */
  RATE_LIMIT_MAX: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must not be negative').default(120),
  RATE_LIMIT_WINDOW_S: seconds.min(1, 'must be at least 1').default(60),
  /** Event-loop delay above which new requests get 503 with Retry-After instead of queueing; 0 turns it off. */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).default(1000),
  /**
   * Longest a search or a revision diff may run, on a thread of its own, before it is stopped and
   * answered with a 503 too_costly problem (file databases; an in-memory one works on the main thread).
   */
  WORK_BUDGET_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(10, 'must be at least 10')
    .max(60_000, 'must be at most 60000')
    .default(1000),
  /** Which proxies to believe about the client address (X-Forwarded-For); the flood limit and IP rules use it. */
  TRUST_PROXY: trustProxy.default(false),
  /** Where preview links point: a URL holding {token}, for a frontend that renders previews; unset, this API. */
  PREVIEW_URL: previewUrl.optional(),
  /** More than this many comments from one IP or one e-mail within the window is refused with 429. */
  COMMENTS_FLOOD_MAX: count.min(1, 'must be at least 1').default(5),
  COMMENTS_FLOOD_WINDOW_S: seconds.default(60),
  /** Approve at once the comments of an author (by e-mail) with an earlier approved comment. */
  COMMENTS_AUTO_APPROVE_KNOWN: booleanFromEnv.default(false),
  /** A comment with more links than this waits for moderation... */
  COMMENTS_LINKS_MODERATE: count.default(2),
  /** ...and with more than this is spam. */
  COMMENTS_LINKS_SPAM: count.default(5),
  /** Words that make a comment spam (name or body), and e-mail and IP patterns whose comments are spam. */
  COMMENTS_BLOCKLIST_WORDS: words.default([]),
  COMMENTS_BLOCKLIST_EMAILS: emailPatterns.default([]),
  COMMENTS_BLOCKLIST_IPS: ipPatterns.default([]),
  /** Words that send a comment to the moderation queue whatever else holds. */
  COMMENTS_MODERATION_WORDS: words.default([]),
  /**
   * Key of the HMAC that stores IP addresses. Unset, each start draws a random key: hashes then
   * cannot be linked across restarts or nodes, so set one shared secret when several nodes serve.
   */
  IP_HASH_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Let webhooks reach loopback, private and link-local addresses (a receiver on the same host or network). */
  WEBHOOKS_ALLOW_PRIVATE: booleanFromEnv.default(false),
  /** How long after its event a delivery is retried before it is marked failed; 0 makes one attempt. */
  WEBHOOKS_RETRY_HOURS: z.coerce
    .number({ error: 'must be a number of hours' })
    .min(0, 'must not be negative')
    .max(720, 'must be at most 720 (30 days)')
    .default(24),
  /** How long one attempt may take, connection and answer included. */
  WEBHOOKS_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .max(60_000, 'must be at most 60000')
    .default(10_000),
  /** Attempts this process makes at once; 0: this process sends no webhooks (another node does). */
  WEBHOOKS_CONCURRENCY: count.max(256, 'must be at most 256').default(8),
  /** Deliveries given up in a row (each after its retries) that disable a webhook; any success starts the count again. */
  WEBHOOKS_DISABLE_AFTER: count.min(1, 'must be at least 1').default(50),
  /** The first retry comes within this delay, each later one within twice the last, an hour at most. */
  WEBHOOKS_BACKOFF_BASE_MS: count.min(1, 'must be at least 1').max(3_600_000, 'must be at most 3600000').default(5_000),
});

export type Config = z.output<typeof ConfigSchema>;

/** Node refuses a headers timeout longer than the request timeout; say so in the configuration's words. */
const ConfigWithRules = ConfigSchema.refine((c) => c.HEADERS_TIMEOUT_S <= c.REQUEST_TIMEOUT_S, {
  path: ['HEADERS_TIMEOUT_S'],
  message: 'must not be longer than REQUEST_TIMEOUT_S',
})
  // Every node must hash an address the same way, or flood counts and IP rules differ per node.
  .refine((c) => c.DATABASE_URL === undefined || c.IP_HASH_KEY !== undefined, {
    path: ['IP_HASH_KEY'],
    message: 'is required with DATABASE_URL: every node must hash addresses with the same key (32 characters or more)',
  });

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads every variable at once and reports every bad one, so a start fails once, not once per fix. */
const SECRETS = new Set(['IP_HASH_KEY', 'DATABASE_URL', 'REDIS_URL']);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = ConfigWithRules.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        // A secret is named, never echoed: error output ends up in logs.
        const shown = SECRETS.has(name) ? '' : `=${JSON.stringify(input[name])}`;
        return `${issue.path.join('.')}${shown}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}

/** A complete configuration with every default, for tests and tools. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...ConfigSchema.parse({}), ...overrides };
}
