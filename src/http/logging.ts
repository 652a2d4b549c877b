import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';

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
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        '*.author_email',
        '*.authorEmail',
        '*.email',
        '*.secret',
        '*.token',
        '*.ip',
      ],
      censor: '[redacted]',
    },
  };
}
