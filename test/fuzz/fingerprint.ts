import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';

/** Columns that a request may change without having been accepted: authentication records when a token was used. */
const VOLATILE_COLUMNS: Record<string, readonly string[]> = { api_tokens: ['last_used_at'] };
/** Written by any request that sends an Idempotency-Key, whatever its answer: compared on its own. */
const IDEMPOTENCY_TABLE = 'idempotency_keys';

export interface Fingerprint {
  content: string;
  idempotency: string;
}

/**
 * A hash of every row of every table (FTS5 shadow tables aside: the virtual table stands for them),
 * read in a fixed order. Tables are found in sqlite_master, so a table added later is covered.
 * The hash is recomputed only when SQLite's total_changes() says something was written, which
 * keeps a fingerprint per request cheap.
 */
export function createFingerprinter(sqlite: BetterSqlite3.Database) {
  const master = sqlite
    .prepare("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .all() as { name: string; sql: string }[];
  const virtual = master.filter((t) => /^create virtual table/i.test(t.sql)).map((t) => t.name);
  const tables = master
    .map((t) => t.name)
    .filter((name) => !name.startsWith('__drizzle') && !virtual.some((v) => name.startsWith(`${v}_`)));

  const readers = tables.map((table) => {
    const skip = VOLATILE_COLUMNS[table] ?? [];
    const columns = virtual.includes(table)
      ? ['rowid', '*']
      : (sqlite.pragma(`table_info(${table})`) as { name: string }[])
          .map((c) => `"${c.name}"`)
          .filter((c) => !skip.includes(c.slice(1, -1)));
    const order = virtual.includes(table) ? 'rowid' : columns.join(', ');
    return { table, statement: sqlite.prepare(`select ${columns.join(', ')} from "${table}" order by ${order}`).raw() };
  });
  const totalChanges = sqlite.prepare('select total_changes()').pluck();

  let cached: { changes: number; fingerprint: Fingerprint } | null = null;

  function compute(): Fingerprint {
    const content = createHash('sha256');
    const idempotency = createHash('sha256');
    for (const { table, statement } of readers) {
      const hash = table === IDEMPOTENCY_TABLE ? idempotency : content;
      hash.update(`\n#${table}\n`);
      for (const row of statement.iterate()) hash.update(JSON.stringify(row));
    }
    return { content: content.digest('hex'), idempotency: idempotency.digest('hex') };
  }

  return {
    tables,
    current(): Fingerprint {
      const changes = totalChanges.get() as number;
      if (cached?.changes !== changes) cached = { changes, fingerprint: compute() };
      return cached.fingerprint;
    },
  };
}
