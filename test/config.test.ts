import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has safe defaults for everything', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATABASE_PATH: './data/fjord.db',
      CORS_ORIGINS: '*',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: true,
    });
  });

  it('reads a list of origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example:8443' }).CORS_ORIGINS).toEqual([
      'https://a.example',
      'https://b.example:8443',
    ]);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', CORS_ORIGINS: 'not an origin', MIGRATE_ON_START: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.split('=')[0])).toEqual(['PORT', 'CORS_ORIGINS', 'LOG_LEVEL', 'MIGRATE_ON_START']);
    expect(message).toContain('PORT="eighty": must be a number');
    // Checks the schema does not word itself read in the same voice.
    expect(message).toContain(
      'LOG_LEVEL="loud": must be one of "fatal", "error", "warn", "info", "debug", "trace" or "silent"',
    );
  });

  it('takes LOG_FORMAT json or pretty, and leaves it unset for the terminal to decide', () => {
    expect(loadConfig({}).LOG_FORMAT).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow('LOG_FORMAT="text": must be "json" or "pretty"');
  });

  it('gives connections safe limits by default', () => {
    expect(loadConfig({})).toMatchObject({
      HEADERS_TIMEOUT_S: 10,
      REQUEST_TIMEOUT_S: 30,
      KEEP_ALIVE_TIMEOUT_S: 5,
      MAX_CONNECTIONS: 1000,
      SQLITE_BUSY_TIMEOUT_MS: 1000,
    });
  });

  it('refuses a headers timeout longer than the request timeout, which Node cannot honour', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_S: '40', REQUEST_TIMEOUT_S: '30' })).toThrow(
      'HEADERS_TIMEOUT_S="40": must not be longer than REQUEST_TIMEOUT_S',
    );
  });

  describe('the engine', () => {
    const key = 'k'.repeat(32);

    it('is SQLite without DATABASE_URL, and PostgreSQL with one, with a pool of 10 by default', () => {
      expect(loadConfig({}).DATABASE_URL).toBeUndefined();
      expect(loadConfig({ DATABASE_URL: 'postgres://fjord@db:5432/fjord', IP_HASH_KEY: key })).toMatchObject({
        DATABASE_URL: 'postgres://fjord@db:5432/fjord',
        PG_POOL_MAX: 10,
      });
      expect(
        loadConfig({ DATABASE_URL: 'postgresql://db/fjord', IP_HASH_KEY: key, PG_POOL_MAX: '25' }).PG_POOL_MAX,
      ).toBe(25);
    });

    it('requires IP_HASH_KEY with DATABASE_URL, since every node must hash an address alike', () => {
      expect(() => loadConfig({ DATABASE_URL: 'postgres://db/fjord' })).toThrow(
        'IP_HASH_KEY: is required with DATABASE_URL',
      );
    });

    it('names a bad URL without echoing it, since it may carry a password', () => {
      let error: unknown;
      try {
        loadConfig({
          DATABASE_URL: 'mysql://root:hunter2@db/fjord',
          REDIS_URL: 'http://cache',
          PG_POOL_MAX: '0',
          IP_HASH_KEY: key,
        });
      } catch (err) {
        error = err;
      }
      expect((error as ConfigError).problems).toEqual([
        'DATABASE_URL: must be a postgres:// or postgresql:// URL',
        'PG_POOL_MAX="0": must be at least 1',
        'REDIS_URL: must be a redis:// or rediss:// URL',
      ]);
      expect((error as ConfigError).message).not.toContain('hunter2');
    });
  });
});
