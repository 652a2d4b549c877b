/** The webhook settings: safe defaults, and each bad value named. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { deliverySettingsFrom } from '../../../src/modules/webhooks/worker.js';

describe('webhook settings', () => {
  it('refuse private targets, retry for 24 hours and disable after 50 failures in a row by default', () => {
    expect(loadConfig({})).toMatchObject({
      WEBHOOKS_ALLOW_PRIVATE: false,
      WEBHOOKS_RETRY_HOURS: 24,
      WEBHOOKS_BACKOFF_BASE_MS: 5_000,
      WEBHOOKS_TIMEOUT_MS: 10_000,
      WEBHOOKS_CONCURRENCY: 8,
      WEBHOOKS_DISABLE_AFTER: 50,
    });
    expect(deliverySettingsFrom(loadConfig({ WEBHOOKS_RETRY_HOURS: '1.5' }))).toEqual({
      concurrency: 8,
      timeoutMs: 10_000,
      retryWindowMs: 5_400_000,
      backoff: { baseMs: 5_000, capMs: 3_600_000 },
      disableAfter: 50,
      allowPrivate: false,
      pollMs: 1_000,
      excerptBytes: 1_024,
    });
  });

  it('name every bad value at once', () => {
    let error: unknown;
    try {
      loadConfig({
        WEBHOOKS_ALLOW_PRIVATE: 'yes',
        WEBHOOKS_RETRY_HOURS: '-1',
        WEBHOOKS_TIMEOUT_MS: '50',
        WEBHOOKS_CONCURRENCY: '1000',
        WEBHOOKS_DISABLE_AFTER: '0',
        WEBHOOKS_BACKOFF_BASE_MS: 'soon',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'WEBHOOKS_ALLOW_PRIVATE="yes": must be true or false',
      'WEBHOOKS_RETRY_HOURS="-1": must not be negative',
      'WEBHOOKS_TIMEOUT_MS="50": must be at least 100',
      'WEBHOOKS_CONCURRENCY="1000": must be at most 256',
      'WEBHOOKS_DISABLE_AFTER="0": must be at least 1',
      'WEBHOOKS_BACKOFF_BASE_MS="soon": must be a number',
    ]);
  });
});
