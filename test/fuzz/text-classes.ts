/**
 * Invariants of the text classes, checked after every fuzzed request: a body holding a lone
 * surrogate is never accepted, and no stored name, slug or link holds a bidi control or an
 * invisible character.
 */
import { sql } from 'drizzle-orm';
import { illFormedPaths, NO_SPOOFING_CHARACTERS } from '../../src/shared/unicode.js';
import type { Probe } from '../helpers/engine.js';
import type { Case } from './requests.js';

/** Fastify reads a body for these methods only; elsewhere it is ignored, so it may be anything. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The case sends a JSON body with a lone surrogate somewhere: it must be refused. */
export function sendsIllFormedText(c: Case): boolean {
  return c.body.kind === 'json' && BODY_METHODS.has(c.method) && illFormedPaths(c.body.value).length > 0;
}

/** Every stored name, slug and URL that spoofing characters must never reach. */
const NAME_COLUMNS: Record<string, readonly string[]> = {
  tags: ['name', 'slug'],
  credits: ['name', 'organization', 'url'],
  comments: ['author_name'],
  api_tokens: ['name'],
  article_slugs: ['slug'],
};

/** Returns the stored names, slugs and URLs that hold a bidi control or an invisible character. */
export function createSpoofingProbe(probe: Probe) {
  const reads = Object.entries(NAME_COLUMNS).flatMap(([table, columns]) =>
    columns.map((column) => ({
      where: `${table}.${column}`,
      query: sql.raw(`select ${column} as v from ${table} where ${column} is not null`),
    })),
  );
  return async (): Promise<string[]> =>
    (
      await Promise.all(
        reads.map(async ({ where, query }) =>
          (
            await probe.rows<{ v: string }>(query)
          )
            .map((row) => row.v)
            .filter((value) => !NO_SPOOFING_CHARACTERS.test(value))
            .map((value) => `${where}: ${JSON.stringify(value)}`),
        ),
      )
    ).flat();
}
