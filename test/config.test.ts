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
});
