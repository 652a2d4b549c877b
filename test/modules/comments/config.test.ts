import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig } from '../../../src/config.js';

describe('comment configuration', () => {
  it('has safe defaults', () => {
    expect(defaultConfig()).toMatchObject({
      TRUST_PROXY: false,
      COMMENTS_FLOOD_MAX: 5,
      COMMENTS_FLOOD_WINDOW_S: 60,
      COMMENTS_AUTO_APPROVE_KNOWN: false,
      COMMENTS_LINKS_MODERATE: 2,
      COMMENTS_LINKS_SPAM: 5,
      COMMENTS_BLOCKLIST_WORDS: [],
      COMMENTS_BLOCKLIST_EMAILS: [],
      COMMENTS_BLOCKLIST_IPS: [],
      COMMENTS_MODERATION_WORDS: [],
    });
    expect(defaultConfig().IP_HASH_KEY).toBeUndefined();
  });

  it('parses comma-separated lists, trimmed and lower-cased', () => {
    const config = loadConfig({
      COMMENTS_BLOCKLIST_WORDS: ' Casino, ,viagra ',
      COMMENTS_BLOCKLIST_EMAILS: '*@Spam.example,bot@example.com',
      COMMENTS_BLOCKLIST_IPS: '203.0.113.0/24, 198.51.100.7, 2001:db8::/32',
      COMMENTS_MODERATION_WORDS: 'Crypto',
      COMMENTS_AUTO_APPROVE_KNOWN: 'true',
    });
    expect(config).toMatchObject({
      COMMENTS_BLOCKLIST_WORDS: ['casino', 'viagra'],
      COMMENTS_BLOCKLIST_EMAILS: ['*@spam.example', 'bot@example.com'],
      COMMENTS_BLOCKLIST_IPS: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'],
      COMMENTS_MODERATION_WORDS: ['crypto'],
      COMMENTS_AUTO_APPROVE_KNOWN: true,
    });
  });

  it('reads TRUST_PROXY as a flag, a hop count or a list of proxies', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('reports every bad comment variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        TRUST_PROXY: 'sometimes',
        COMMENTS_FLOOD_MAX: '0',
        COMMENTS_FLOOD_WINDOW_S: 'soon',
        COMMENTS_BLOCKLIST_EMAILS: 'spam.example',
        COMMENTS_BLOCKLIST_IPS: '203.0.113.0/33',
        IP_HASH_KEY: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'TRUST_PROXY="sometimes": must be true, false, a number of hops or a list of proxy addresses',
      'COMMENTS_FLOOD_MAX="0": must be at least 1',
      'COMMENTS_FLOOD_WINDOW_S="soon": must be a number of seconds',
      'COMMENTS_BLOCKLIST_EMAILS="spam.example": "spam.example" is not an e-mail pattern like *@example.com',
      'COMMENTS_BLOCKLIST_IPS="203.0.113.0/33": "203.0.113.0/33" has a prefix length that is not 0 to 32',
      'IP_HASH_KEY: must be at least 32 characters',
    ]);
  });
});
