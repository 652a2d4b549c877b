import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('PREVIEW_URL', () => {
  it('is unset by default, and kept as given when it holds {token}', () => {
    expect(loadConfig({}).PREVIEW_URL).toBeUndefined();
    const template = 'https://site.example/preview?token={token}';
    expect(loadConfig({ PREVIEW_URL: template }).PREVIEW_URL).toBe(template);
  });

  it.each([
    ['https://site.example/preview', 'must contain {token}'],
    ['/preview/{token}', 'must be an absolute http\\(s\\) URL'],
    ['ftp://site.example/{token}', 'must be an absolute http\\(s\\) URL'],
  ])('refuses %s', (value, problem) => {
    expect(problemsOf({ PREVIEW_URL: value })).toEqual([
      expect.stringMatching(new RegExp(`^PREVIEW_URL=".*": ${problem}`)),
    ]);
  });
});
