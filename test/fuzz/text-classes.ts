/**
 * Invariants of the text classes, checked after every fuzzed request: a body holding a lone
 * surrogate is never accepted, and no stored name, slug or link holds a bidi control or an
 * invisible character.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { illFormedPaths, NO_SPOOFING_CHARACTERS } from '../../src/shared/unicode.js';
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
export function createSpoofingProbe(sqlite: BetterSqlite3.Database) {
  const reads = Object.entries(NAME_COLUMNS).flatMap(([table, columns]) =>
    columns.map((column) => ({
      where: `${table}.${column}`,
      values: sqlite.prepare(`select ${column} from ${table} where ${column} is not null`).pluck(),
    })),
  );
  return (): string[] =>
    reads.flatMap(({ where, values }) =>
      (values.all() as string[])
        .filter((value) => !NO_SPOOFING_CHARACTERS.test(value))
        .map((value) => `${where}: ${JSON.stringify(value)}`),
    );
}
