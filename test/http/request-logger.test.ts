/**
 * Each request's logger: what it writes carries the request's id and is censored like every other
 * entry, at the levels the server logs, and nothing is made for entries below them.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { lazyChildLoggers, loggerOptions } from '../../src/http/logging.js';
import { openTestEngine, type TestEngine } from '../helpers/engine.js';

const opened: TestEngine[] = [];
afterEach(async () => {
  for (const engine of opened.splice(0)) await engine.close();
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

/** A server logging at `level`, with a route that logs at several levels through its request's logger. */
async function serverLoggingAt(level: 'warn' | 'info') {
  const { lines, stream } = capture();
  const database = await openTestEngine();
  opened.push(database);
  const app = await buildApp({
    config: defaultConfig({ RATE_LIMIT_MAX: 0 }),
    engine: database.engine,
    logger: loggerOptions(level, stream),
  });
  app.get('/logged', async (request) => {
    request.log.info('an info entry');
    request.log.warn({ email: 'reader@example.org' }, 'a warning');
    request.log.child({ step: 'nested' }).error('an error');
    return { ok: true };
  });
  await app.ready();
  return { app, lines };
}

const written = (lines: Record<string, unknown>[], msg: string) => lines.filter((line) => line.msg === msg);

describe('a request’s logger', () => {
  it('writes the entries at enabled levels with the request’s id, censored, and none below', async () => {
    const { app, lines } = await serverLoggingAt('warn');
    const res = await app.inject({ method: 'GET', url: '/logged' });
    await app.close();
    const id = res.headers['x-request-id'];
    expect(id).toEqual(expect.any(String));
    expect(written(lines, 'an info entry')).toEqual([]);
    expect(written(lines, 'a warning')).toEqual([
      expect.objectContaining({ level: 40, reqId: id, email: '[redacted]' }),
    ]);
    expect(written(lines, 'an error')).toEqual([expect.objectContaining({ level: 50, reqId: id, step: 'nested' })]);
  });

  it('writes the info entries too when the server logs at info', async () => {
    const { app, lines } = await serverLoggingAt('info');
    const res = await app.inject({ method: 'GET', url: '/logged' });
    await app.close();
    expect(written(lines, 'an info entry')).toEqual([
      expect.objectContaining({ level: 30, reqId: res.headers['x-request-id'] }),
    ]);
    expect(written(lines, 'incoming request')).toHaveLength(1);
  });
});

describe('lazyChildLoggers', () => {
  /** A pino logger at `warn`, as Fastify makes it from the server's options. */
  const parent = () => {
    const logger: FastifyBaseLogger = Fastify({ logger: loggerOptions('warn', capture().stream) }).log;
    return { logger, child: vi.spyOn(logger, 'child') };
  };

  it('makes the child on the first entry at an enabled level, once', () => {
    const { logger, child } = parent();
    const log = lazyChildLoggers.call(null as never, logger, { reqId: 'r1' }, {}, null as never);
    log.info('below the level');
    log.debug('below the level');
    expect(child).not.toHaveBeenCalled();
    expect(log.level).toBe('warn');
    log.warn('at the level');
    log.error('above it');
    expect(child).toHaveBeenCalledTimes(1);
    expect(child).toHaveBeenCalledWith({ reqId: 'r1' }, {});
  });

  it('makes the child at once for a route with a level of its own', () => {
    const { logger, child } = parent();
    const log = lazyChildLoggers.call(null as never, logger, { reqId: 'r2' }, { level: 'debug' }, null as never);
    expect(child).toHaveBeenCalledTimes(1);
    expect(log.level).toBe('debug');
  });

  it('gives a level set on the request’s logger to its child alone', () => {
    const { logger } = parent();
    const log = lazyChildLoggers.call(null as never, logger, { reqId: 'r3' }, {}, null as never);
    log.level = 'info';
    expect(log.level).toBe('info');
    expect(logger.level).toBe('warn');
  });
});
