import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.js';

export type PgDatabase = NodePgDatabase<typeof schema> & { $client: pg.Pool };
/** A transaction's handle: every statement inside a transaction must go through it, never the pool. */
export type PgTransaction = Parameters<Parameters<PgDatabase['transaction']>[0]>[0];
/** Either: read helpers run on the pool or inside a transaction. */
export type PgExecutor = PgDatabase | PgTransaction;

export interface PgHandle {
  db: PgDatabase;
  pool: pg.Pool;
  close: () => Promise<void>;
}

export interface PgOptions {
  /** Connections in the pool (PG_POOL_MAX). */
  poolMax?: number;
  /** How long a request waits for a free connection before it is answered 503. */
  connectionTimeoutMs?: number;
}

// Aggregates and bigint columns come back from pg as strings; every number Fjord stores fits a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** Opens a pool on `url`. No connection is made until the first query. */
export function openPgDatabase(url: string, { poolMax = 10, connectionTimeoutMs = 5_000 }: PgOptions = {}): PgHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: connectionTimeoutMs,
    // A pooled connection that dies (a restarted server) must not crash the process: the next
    // query opens a new one.
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool drops it. Queries report their own errors.
  });
  const db: PgDatabase = drizzle({ client: pool, schema });
  let closed = false;
  return {
    db,
    pool,
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
