import { describe, expect, it } from 'vitest';
import { openDatabase, openReadOnlyDatabase, PAGE_CACHE_KIB } from '../../src/db/client.js';
import { tempDatabasePath } from '../helpers/server-process.js';

describe('SQLite page cache', () => {
  it('is bounded to PAGE_CACHE_KIB on the writing and the read-only connection to a file', () => {
    const path = tempDatabasePath();
    const writer = openDatabase(path);
    const reader = openReadOnlyDatabase(path);
    try {
      expect(writer.sqlite.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
      expect(reader.sqlite.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    } finally {
      reader.close();
      writer.close();
    }
  });
});
