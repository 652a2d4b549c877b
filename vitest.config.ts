import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The test files that run on a database engine: every file that builds the app or opens an engine
 * through the test helpers (one app, two nodes on one database, or an empty database). They run on SQLite always, and on PostgreSQL too when TEST_DATABASE_URL
 * is set (`.ci/run` sets it, so CI fails loudly without a server). Pure unit tests run once, and so
 * does a file marked `@sqlite-only`, which tests a mechanism only SQLite has (a file lock, a PRAGMA,
 * a SQLite migration) and says so in its first comment.
 */
function engineTests(): string[] {
  const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join('test', file));
  return files.filter((file) => {
    const text = readFileSync(file, 'utf8');
    return /\b(buildTestApp|openTestEngine|buildTwoNodes|emptyDatabase)\(/.test(text) && !text.includes('@sqlite-only');
  });
}

const postgres = process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== '';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.pg.test.ts'],
          env: { FJORD_TEST_ENGINE: 'sqlite' },
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                // *.pg.test.ts: what only PostgreSQL has (LISTEN/NOTIFY, shared counters, a lost server).
                include: [...engineTests(), 'test/**/*.pg.test.ts'],
                env: { FJORD_TEST_ENGINE: 'postgres' },
                globalSetup: ['test/helpers/pg-global-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
