import type BetterSqlite3 from 'better-sqlite3';
import supertest from 'supertest';
import { afterAll, expect } from 'vitest';
import { type AppDeps, buildApp, createServices, type Services } from '../../src/app.js';
import { type Config, defaultConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Clock } from '../../src/shared/clock.js';
import { observeContract } from './contract.js';
import { openTestEngine } from './engine.js';

/** A clock tests can move. */
export function testClock(start = Date.parse('2026-01-15T10:00:00.000Z')) {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  } satisfies Clock & Record<string, unknown>;
}

/**
 * A fresh app on a fresh migrated database of the project's engine (SQLite in memory, or
 * TEST_DATABASE_PATH to inspect a file; PostgreSQL: a database of its own), closed after the
 * file's tests. Call it once per test file.
 */
export async function buildTestApp(
  options: {
    config?: Partial<Config>;
    clock?: Clock;
    /** Replaces some of the services built from the database, to inject a failure into one of them. */
    adapt?: (services: Services, engine: Engine) => Services;
    /** Replaces the compressor of response bodies, to inject a failure into it. */
    compress?: AppDeps['compress'];
  } = {},
) {
  const test = await openTestEngine();
  const { engine } = test;
  const clock = options.clock;
  // Rate limits and load shedding are off unless a test turns them on: suites send bursts from one address.
  const config = defaultConfig({ RATE_LIMIT_MAX: 0, MAX_EVENT_LOOP_DELAY_MS: 0, ...options.config });
  const built = createServices(engine, clock, config);
  const services = options.adapt ? options.adapt(built, engine) : built;
  const app = await buildApp({
    config,
    engine,
    services,
    ...(clock ? { clock } : {}),
    ...(options.compress ? { compress: options.compress } : {}),
  });
  // Every suite doubles as a contract test: what it makes the server answer must be in openapi.yaml.
  const mismatches = observeContract(app);
  await app.ready();
  afterAll(async () => {
    expect(mismatches, 'responses that openapi.yaml does not declare').toEqual([]);
    await app.close();
    await test.close();
  });
  /** For the few tests of a SQLite-only mechanism: anywhere else, the probe works on both engines. */
  const sqliteOnly = () => {
    if (engine.kind !== 'sqlite') throw new Error('this test reads SQLite directly: use probe, or keep it to SQLite');
    return engine.handle;
  };
  return {
    app,
    engine,
    probe: test.probe,
    get db(): Database {
      return sqliteOnly().db;
    },
    get sqlite(): BetterSqlite3.Database {
      return sqliteOnly().sqlite;
    },
    services,
    api: supertest(app.server),
  };
}
