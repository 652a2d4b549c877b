import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { assertCurrent, assertNotNewer } from '../schema-version.js';

/** migrations-pg/ sits three levels above this file, in the source tree and in the built image alike. */
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations-pg', import.meta.url));

/**
 * The startup advisory lock: "fjord" as a number, so other applications' keys are unlikely to meet
 * it. The outbox has a key of its own (events/outbox.pg.ts): a seed run under this one writes events.
 */
const STARTUP_LOCK = 0x666a6f7264;

/** How long a starting node tries to reach the database before it gives up and says why. */
const STARTUP_CONNECT_TIMEOUT_MS = 10_000;

const BOOKKEEPING =
  'CREATE TABLE IF NOT EXISTS public."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)';

/**
 * Runs `run` while a connection of its own holds Fjord's session advisory lock: nodes starting
 * together take turns, and each later one finds the work (migrations, the seed) done. The lock's
 * connection is not the pool's, so `run` may use the whole pool (a seed writes through it), and
 * a node that dies holding the lock releases it with its connection.
 */
export async function withStartupLock<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  // A server that does not answer fails the start instead of hanging it, and one that restarts
  // meanwhile fails the query under way, not the process (an 'error' with no listener would).
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: STARTUP_CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
    return await run(client);
  } finally {
    // Ending the session releases the lock.
    await client.end();
  }
}

/** The newest migration applied to the database, or 0 for a database never migrated. */
export async function appliedPgSchemaVersion(client: pg.Pool | pg.ClientBase): Promise<number> {
  const table = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('public.__drizzle_migrations') IS NOT NULL AS exists",
  );
  if (!table.rows[0]?.exists) return 0;
  const row = await client.query<{ version: string | null }>(
    'SELECT max(created_at) AS version FROM public."__drizzle_migrations"',
  );
  return Number(row.rows[0]?.version ?? 0);
}

/**
 * Applies the migrations this database lacks, in one transaction, under the startup lock: N nodes
 * starting at once migrate exactly once. drizzle's own PostgreSQL migrator takes no lock, so two of
 * them both apply the first migration and one fails. Returns how many it applied.
 */
export async function runPgMigrations(url: string, migrationsFolder = PG_MIGRATIONS_FOLDER): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder });
  return withStartupLock(url, async (client) => {
    await client.query('BEGIN');
    try {
      await client.query(BOOKKEEPING);
      const applied = await appliedPgSchemaVersion(client);
      assertNotNewer(applied, migrationsFolder);
      let count = 0;
      for (const migration of migrations) {
        if (migration.folderMillis <= applied) continue;
        for (const statement of migration.sql) if (statement.trim()) await client.query(statement);
        await client.query('INSERT INTO public."__drizzle_migrations" (hash, created_at) VALUES ($1, $2)', [
          migration.hash,
          migration.folderMillis,
        ]);
        count++;
      }
      await client.query('COMMIT');
      return count;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  });
}

/** Refuses a database that a newer Fjord has migrated: this code would misread it. */
export async function assertPgSchemaNotNewer(pool: pg.Pool, migrationsFolder = PG_MIGRATIONS_FOLDER): Promise<void> {
  assertNotNewer(await appliedPgSchemaVersion(pool), migrationsFolder);
}

/** Refuses a database this code cannot serve: newer than it knows, or not yet migrated. */
export async function assertPgSchemaCurrent(pool: pg.Pool, migrationsFolder = PG_MIGRATIONS_FOLDER): Promise<void> {
  assertCurrent(await appliedPgSchemaVersion(pool), migrationsFolder);
}
