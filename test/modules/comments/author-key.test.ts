import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashAuthorKey, newAuthorKey } from '../../../src/modules/comments/author-key.js';

describe('author keys', () => {
  it('are 256 random bits in URL-safe base64, different every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => newAuthorKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as their hex SHA-256, the same for the same key', () => {
    const key = newAuthorKey();
    expect(hashAuthorKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashAuthorKey(key)).toBe(hashAuthorKey(key));
    expect(hashAuthorKey(key)).not.toBe(hashAuthorKey(newAuthorKey()));
  });
});
