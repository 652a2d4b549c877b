import { createRequire } from 'node:module';
import type { FastifyBaseLogger, FastifyRequest, FastifyServerOptions } from 'fastify';
import type PinoPretty from 'pino-pretty';
import type { Config } from '../config.js';

/** Paths that carry a secret: a preview token opens a draft to whoever holds it. */
const SECRET_IN_PATH = /^(\/v1\/preview\/)[^/?#]+/;

/** A request's URL as logs may keep it: the secret of a preview link is censored. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_IN_PATH, '$1[redacted]');
}

/**
 * Pino settings for the server: secrets and personal data are censored wherever they appear in a
 * logged object, and request logs carry method, URL and address only (never headers or bodies).
 */
export function loggerOptions(
  level: Config['LOG_LEVEL'],
  stream?: NodeJS.WritableStream,
): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      // Fastify's own request fields, with the URL censored where it carries a secret.
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: loggableUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        // At the top of a logged object and one level down.
        ...['author_email', 'authorEmail', 'email', 'secret', 'token', 'ip'].flatMap((key) => [key, `*.${key}`]),
      ],
      censor: '[redacted]',
    },
  };
}

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** pino's, which Fastify's logger type leaves out. */
type LevelAware = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };

/**
 * Fastify gives every request a child logger bound to its id. Made with pino's censoring, a child
 * cost a cached read some 4 % of its CPU, for a logger that at the usual `warn` level mostly writes
 * nothing. This factory gives each request a stand-in that makes the child on its first entry at
 * an enabled level, so the entries it writes are the child's, bindings and censoring included.
 * A route with a level of its own, or a logger that cannot say which levels are on, gets the child
 * at once.
 */
export const lazyChildLoggers: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger: LevelAware,
  bindings,
  options,
) => {
  const isEnabled = logger.isLevelEnabled?.bind(logger);
  if (!isEnabled || options.level !== undefined) return logger.child(bindings, options);
  let child: FastifyBaseLogger | undefined;
  const made = (): FastifyBaseLogger => {
    child ??= logger.child(bindings, options);
    return child;
  };
  const write =
    (method: LogMethod): FastifyBaseLogger['info'] =>
    (...entry: Parameters<FastifyBaseLogger['info']>) => {
      if (child || isEnabled(method)) made()[method](...entry);
    };
  return {
    fatal: write('fatal'),
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    trace: write('trace'),
    silent: () => {},
    child: (more, moreOptions) => made().child(more, moreOptions),
    get level() {
      return (child ?? logger).level;
    },
    set level(level: string) {
      made().level = level;
    },
  };
};

export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when set; otherwise lines a person reads on a terminal, and JSON for a collector. */
export function logFormat(setting: LogFormat | undefined, isTTY: boolean): LogFormat {
  return setting ?? (isTTY ? 'pretty' : 'json');
}

/**
 * Where the server's logs go in `pretty` format: one line per entry on stdout, its fields inline,
 * colored on a terminal. Written synchronously, so that the last lines before an exit are not lost.
 * pino-pretty is loaded here, not at start: JSON logs (a collector's, the benchmark's) never need it.
 */
export function prettyLogStream(colorize: boolean, destination: number | NodeJS.WritableStream = 1) {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pretty({
    colorize,
    destination,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}
