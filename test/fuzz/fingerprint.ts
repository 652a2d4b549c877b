import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type { TestEngine } from '../helpers/engine.js';

/** Columns that a request may change without having been accepted: authentication records when a token was used. */
const VOLATILE_COLUMNS: Record<string, readonly string[]> = { api_tokens: ['last_used_at'] };
/** Written by any request that sends an Idempotency-Key, whatever its answer: compared on its own. */
const IDEMPOTENCY_TABLE = 'idempotency_keys';
/** Counts every write request, refused or not, where rate limits are shared (PostgreSQL): bookkeeping, not content. */
const COUNTER_TABLES = ['rate_limits'];

export interface Fingerprint {
  content: string;
  idempotency: string;
}

export interface Fingerprinter {
  tables: string[];
  current(): Promise<Fingerprint>;
}

/**
 * A hash of every row of every table, read in a fixed order. Tables are found in the engine's
 * catalogue, so a table added later is covered.
 */
export function createFingerprinter(test: Pick<TestEngine, 'engine' | 'probe'>): Promise<Fingerprinter> {
  return test.engine.kind === 'sqlite' ? sqliteFingerprinter(test.engine.handle.sqlite) : pgFingerprinter(test);
}

function hashTables(rows: Iterable<{ table: string; rows: Iterable<unknown> }>): Fingerprint {
  const content = createHash('sha256');
  const idempotency = createHash('sha256');
  for (const { table, rows: values } of rows) {
    const hash = table === IDEMPOTENCY_TABLE ? idempotency : content;
    hash.update(`\n#${table}\n`);
    for (const row of values) hash.update(JSON.stringify(row));
  }
  return { content: content.digest('hex'), idempotency: idempotency.digest('hex') };
}

/**
 * SQLite: FTS5 shadow tables aside (the virtual table stands for them). The hash is recomputed
 * only when SQLite's total_changes() says something was written, which keeps a fingerprint per
 * request cheap.
 */
async function sqliteFingerprinter(sqlite: BetterSqlite3.Database): Promise<Fingerprinter> {
  const master = sqlite
    .prepare("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .all() as { name: string; sql: string }[];
  const virtual = master.filter((t) => /^create virtual table/i.test(t.sql)).map((t) => t.name);
  const tables = master
    .map((t) => t.name)
    .filter((name) => !name.startsWith('__drizzle') && !virtual.some((v) => name.startsWith(`${v}_`)))
    .filter((name) => !COUNTER_TABLES.includes(name));

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
  return {
    tables,
    current: async () => {
      const changes = totalChanges.get() as number;
      if (cached?.changes !== changes) {
        cached = {
          changes,
          fingerprint: hashTables(readers.map(({ table, statement }) => ({ table, rows: statement.iterate() }))),
        };
      }
      return cached.fingerprint;
    },
  };
}

/**
 * PostgreSQL: each row as jsonb text (keys in a fixed order), volatile columns removed, rows in
 * text order. Recomputed only when the server's WAL position moved: nothing was written anywhere
 * otherwise (other databases' writes move it too, which only costs a recomputation).
 */
async function pgFingerprinter({ probe }: Pick<TestEngine, 'probe'>): Promise<Fingerprinter> {
  const tables = (
    await probe.rows<{ name: string }>(
      sql`select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name collate "C"`,
    )
  )
    .map((t) => t.name)
    .filter((name) => !name.startsWith('__drizzle') && !COUNTER_TABLES.includes(name));
  const queries = tables.map((table) => {
    const row = (VOLATILE_COLUMNS[table] ?? []).reduce((expr, column) => `(${expr} - '${column}')`, 'to_jsonb(t)');
    return {
      table,
      query: sql.raw(`select r from (select ${row}::text as r from "${table}" t) rows order by r collate "C"`),
    };
  });
  let cached: { lsn: string; fingerprint: Fingerprint } | null = null;
  return {
    tables,
    current: async () => {
      const [position] = await probe.rows<{ lsn: string }>(sql`select pg_current_wal_insert_lsn()::text as lsn`);
      const lsn = String(position?.lsn);
      if (cached?.lsn !== lsn) {
        const read = await Promise.all(
          queries.map(async ({ table, query }) => ({
            table,
            rows: (await probe.rows<{ r: string }>(query)).map((row) => row.r),
          })),
        );
        cached = { lsn, fingerprint: hashTables(read) };
      }
      return cached.fingerprint;
    },
  };
}
