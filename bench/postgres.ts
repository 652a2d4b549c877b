/**
 * The PostgreSQL part of the benchmark: a database of its own on the server BENCH_DATABASE_URL (or
 * TEST_DATABASE_URL) names, created for the run and dropped after it, and measurements spread over
 * several nodes at once.
 */
import { randomBytes } from 'node:crypto';
import { createDatabase } from '../test/helpers/pg-admin.js';
import type { DriverResult } from './driver.js';

/** The PostgreSQL server to bench on, or null: then the benchmark has SQLite rows only. */
export function benchServerUrl(env: Record<string, string | undefined> = process.env): string | null {
  return env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || null;
}

/** A new, empty database on the server of `serverUrl`; `drop` removes it, even with nodes still connected. */
export async function createBenchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fjord_bench_${randomBytes(6).toString('hex')}`;
  return createDatabase(serverUrl, name);
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
