import { defineConfig } from 'vitest/config';

/**
 * The unit tests of the pure files StrykerJS mutates: no app is built, so each mutant is judged in
 * seconds. Route-level tests would also kill some mutants, but at minutes per run; what only they
 * kill is a behaviour the unit tests leave open.
 */
export default defineConfig({
  test: {
    include: [
      'test/shared/unicode.test.ts',
      'test/shared/markdown-nesting.test.ts',
      'test/shared/xss.test.ts',
      'test/shared/slug.test.ts',
      'test/shared/cursor.test.ts',
      'test/modules/search-query.test.ts',
      'test/modules/search/ts-query.test.ts',
      'test/modules/search/snippet.test.ts',
      'test/modules/articles/diff.test.ts',
      'test/modules/articles/etag.test.ts',
      'test/modules/articles/resolver.test.ts',
      'test/modules/articles/merge.test.ts',
      'test/modules/articles/text-merge.test.ts',
      'test/modules/articles/text-merge-alignments.test.ts',
      'test/modules/articles/schedule-failures.test.ts',
      'test/modules/comments/author-key.test.ts',
      'test/modules/comments/status-change.test.ts',
      'test/db/errors.test.ts',
      'test/http/idempotency-unsettled.test.ts',
      'test/http/allowed-methods.test.ts',
      'test/http/strict-query.test.ts',
      'test/http/content-coding.test.ts',
      'test/shared/text-memo.test.ts',
      'test/modules/events/catalogue.test.ts',
      'test/modules/webhooks/rules.test.ts',
      'test/shared/progress.test.ts',
      'test/env-file.test.ts',
      'test/http/listen.test.ts',
      'test/shared/validation-messages.test.ts',
    ],
    // The sqlite project's engine: a mutant is judged once, on the engine that needs no server.
    env: { FJORD_TEST_ENGINE: 'sqlite' },
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
