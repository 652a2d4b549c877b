import { z } from 'zod';

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

export const ConfigSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/fjord.db'),
  CORS_ORIGINS: corsOrigins.default('*'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MIGRATE_ON_START: booleanFromEnv.default(true),
  CACHE_MAX_AGE_S: seconds.default(60),
  CACHE_STALE_WHILE_REVALIDATE_S: seconds.default(300),
  /** Largest request body accepted; larger ones get a 413 problem. */
  BODY_LIMIT_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .min(1024, 'must be at least 1024')
    .default(1_048_576),
  /** A request not fully received and answered by then is cut off (slow clients hold no socket forever). */
  REQUEST_TIMEOUT_S: seconds.min(1, 'must be at least 1').default(30),
  /** Writes (POST, PATCH, DELETE) per token, or per IP without a token, per window; 0 turns the limit off. */
  RATE_LIMIT_MAX: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must not be negative').default(120),
  RATE_LIMIT_WINDOW_S: seconds.min(1, 'must be at least 1').default(60),
  /** Event-loop delay above which new requests get 503 with Retry-After instead of queueing; 0 turns it off. */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).default(1000),
});

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads every variable at once and reports every bad one, so a start fails once, not once per fix. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (issue) => `${issue.path.join('.')}=${JSON.stringify(input[String(issue.path[0])])}: ${issue.message}`,
      ),
    );
  }
  return result.data;
}

/** A complete configuration with every default, for tests and tools. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...ConfigSchema.parse({}), ...overrides };
}
