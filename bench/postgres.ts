/**
 * The PostgreSQL part of the benchmark: a database of its own on the server BENCH_DATABASE_URL (or
 * TEST_DATABASE_URL) names, created for the run and dropped after it, and measurements spread over
 * several nodes at once.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DriverResult } from './driver.js';

/** The PostgreSQL server to bench on, or null: then the benchmark has SQLite rows only. */
export function benchServerUrl(env: Record<string, string | undefined> = process.env): string | null {
  return env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || null;
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the server of `serverUrl`; `drop` removes it, even with nodes still connected. */
export async function createBenchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fjord_bench_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** `total` connections shared out over `parts` drivers, as evenly as whole numbers allow. */
export function splitConnections(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/**
 * Drivers that ran side by side, one per node, as one result: requests and throughput add up;
 * each latency is the worst of the drivers', since the percentiles of the whole cannot be rebuilt
 * from the parts.
 */
export function combine(results: DriverResult[]): DriverResult {
  const statuses: Record<string, number> = {};
  for (const result of results) {
    for (const [code, n] of Object.entries(result.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  }
  const sum = (pick: (r: DriverResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  return {
    requests: sum((r) => r.requests),
    rps: sum((r) => r.rps),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    statuses,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}
