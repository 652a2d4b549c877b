/**
 * Compile-time proof that both schemas describe the same rows: for each table, the row a query
 * returns and the row an insert takes have the same TypeScript type on SQLite and PostgreSQL, so a
 * repository written against one interface reads and writes the same shapes on both. A column
 * added to one schema and not the other fails `npm run typecheck`. `rate_limits` exists only on
 * PostgreSQL (SQLite counts in process memory); search_documents differs by design (FTS5 keeps the
 * text in its own table) and is compared on the columns both have.
 */
import type * as sqlite from '../schema.js';
import type * as pg from './schema.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

type Same<Table extends keyof typeof sqlite & keyof typeof pg> =
  Equal<
    (typeof sqlite)[Table] extends { $inferSelect: infer R } ? R : never,
    (typeof pg)[Table] extends { $inferSelect: infer R } ? R : never
  > extends true
    ? Equal<
        (typeof sqlite)[Table] extends { $inferInsert: infer R } ? R : never,
        (typeof pg)[Table] extends { $inferInsert: infer R } ? R : never
      >
    : false;

export type SchemaParity = [
  Assert<Same<'articles'>>,
  Assert<Same<'articleSlugs'>>,
  Assert<Same<'articleDocuments'>>,
  Assert<Same<'articleRevisions'>>,
  Assert<Same<'articleSchedules'>>,
  Assert<Same<'tags'>>,
  Assert<Same<'articleTags'>>,
  Assert<Same<'credits'>>,
  Assert<Same<'articleCredits'>>,
  Assert<Same<'comments'>>,
  Assert<Same<'commentDuplicates'>>,
  Assert<Same<'commentModerationLog'>>,
  Assert<Same<'apiTokens'>>,
  Assert<Same<'auditLog'>>,
  Assert<Same<'idempotencyKeys'>>,
  Assert<Same<'events'>>,
  Assert<Same<'webhooks'>>,
  Assert<Same<'webhookDeliveries'>>,
  Assert<Same<'previewLinks'>>,
  Assert<
    Equal<
      Pick<typeof sqlite.searchDocuments.$inferSelect, 'id' | 'articleId'>,
      Pick<typeof pg.searchDocuments.$inferSelect, 'id' | 'articleId'>
    >
  >,
];
