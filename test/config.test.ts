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
});
