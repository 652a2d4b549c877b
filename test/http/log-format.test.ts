import { PassThrough } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { logFormat, loggerOptions, prettyLogStream } from '../../src/http/logging.js';

describe('logFormat', () => {
  it('is pretty on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(logFormat(undefined, true)).toBe('pretty');
    expect(logFormat(undefined, false)).toBe('json');
    expect(logFormat('json', true)).toBe('json');
    expect(logFormat('pretty', false)).toBe('pretty');
  });
});

describe('prettyLogStream', () => {
  it('writes one line per entry with its fields inline, censored as in JSON', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const app = Fastify({ logger: loggerOptions('info', prettyLogStream(false, out)) });
    app.log.info({ signal: 'SIGTERM', webhook: { id: 7, secret: 'whsec_value' } }, 'shutting down');
    app.log.warn('careful');
    await app.close();
    expect(text.split('\n')).toEqual([
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: shutting down \{"signal":"SIGTERM","webhook":\{"id":7,"secret":"\[redacted\]"\}\}$/,
      ),
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: careful$/),
      '',
    ]);
  });
});
