/**
 * `npm run bench:webhooks`: how fast a committed change reaches a webhook receiver, and how many
 * deliveries per second the outbox sustains. A receiver in this process verifies every call with
 * the `standardwebhooks` library, as a user's would; the server is the compiled build on a fresh
 * database, with a webhook for `comment.created`. Readers' comments are the writes: each commits
 * one event.
 *
 * - latency at a steady pace: one comment at a time, `--pace` per second, for `--duration` seconds;
 *   latency is the receipt time minus the event's `occurred_at` (one clock: the same machine);
 * - throughput: `--connections` clients posting comments for `--duration` seconds, then the time
 *   for the outbox to drain; deliveries per second run from the first receipt to the last.
 *
 * Every accepted comment must arrive exactly once: duplicates (one webhook-id twice) and missing
 * events are counted and printed. With BENCH_DATABASE_URL (or TEST_DATABASE_URL), the same runs
 * again on PostgreSQL, on one node and on two nodes sharing the load and the deliveries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import type { DriverResult, DriverTask } from './driver.js';
import { benchServerUrl, combine, createBenchDatabase, splitConnections } from './postgres.js';
import { build, output, ROOT, SERVER_ENV, type Started, startProcess } from './processes.js';

const SEED_SLUG = 'openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne';
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    pace: { type: 'string', default: '20' },
  },
});
const params = {
  duration: Math.min(Number(values.duration), 120),
  connections: Number(values.connections),
  pace: Number(values.pace),
};
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** A receiver on this machine is a private address: the benchmark's own is allowed. */
const WEBHOOK_ENV = { ...SERVER_ENV, WEBHOOKS_ALLOW_PRIVATE: 'true' };

interface Receipt {
  id: string;
  latencyMs: number;
  at: number;
}

/** A receiver that verifies each call and remembers what came, when. */
class Receiver {
  receipts: Receipt[] = [];
  rejected = 0;
  private verifier: Webhook | null = null;
  private server: Server;
  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const at = Date.now();
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (!this.verifier) throw new Error('no secret yet');
          const event = this.verifier.verify(body, request.headers as Record<string, string>) as {
            id: string;
            occurred_at: string;
          };
          this.receipts.push({ id: event.id, latencyMs: at - Date.parse(event.occurred_at), at });
          response.writeHead(204).end();
        } catch {
          this.rejected += 1;
          response.writeHead(400).end();
        }
      });
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  use(secret: string) {
    this.verifier = new Webhook(secret);
  }
  reset() {
    this.receipts = [];
    this.rejected = 0;
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface WebhookRow {
  scenario: string;
  writesPerS: number;
  deliveriesPerS: number | null;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  accepted: number;
  delivered: number;
  duplicates: number;
  missing: number;
  rejected: number;
  drainMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

/** Waits until `expected` distinct events arrived, or nothing new came for 10 s; returns when the last came. */
async function drained(receiver: Receiver, expected: number): Promise<void> {
  let seen = -1;
  let quietSince = Date.now();
  for (;;) {
    const distinct = new Set(receiver.receipts.map((r) => r.id)).size;
    if (distinct >= expected) return;
    if (receiver.receipts.length !== seen) {
      seen = receiver.receipts.length;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 10_000) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function row(
  scenario: string,
  receiver: Receiver,
  accepted: number,
  writesPerS: number,
  loadEnded: number,
  throughput: boolean,
): WebhookRow {
  const ids = new Set(receiver.receipts.map((r) => r.id));
  const latencies = receiver.receipts.map((r) => r.latencyMs).sort((a, b) => a - b);
  const times = receiver.receipts.map((r) => r.at);
  const first = Math.min(...times);
  const last = Math.max(...times);
  return {
    scenario,
    writesPerS,
    deliveriesPerS: throughput && last > first ? (receiver.receipts.length * 1000) / (last - first) : null,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    accepted,
    delivered: ids.size,
    duplicates: receiver.receipts.length - ids.size,
    missing: Math.max(0, accepted - ids.size),
    rejected: receiver.rejected,
    drainMs: Math.max(0, last - loadEnded),
  };
}

async function postComment(url: string, n: number): Promise<boolean> {
  const response = await fetch(`${url}/v1/articles/${SEED_SLUG}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      author_name: `Lecteur ${n}`,
      author_email: `pace.${n}@exemple.fr`,
      body: `Commentaire ${n} au rythme régulier : merci pour cet article.`,
    }),
  });
  await response.arrayBuffer();
  return response.status === 202;
}

/** One comment at a time, `params.pace` per second, spread over the nodes in turn. */
async function steady(urls: string[], receiver: Receiver, label: string): Promise<WebhookRow> {
  receiver.reset();
  const count = params.pace * params.duration;
  const started = Date.now();
  let accepted = 0;
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / params.pace;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (await postComment(urls[i % urls.length] as string, i)) accepted += 1;
  }
  const ended = Date.now();
  await drained(receiver, accepted);
  return row(
    `${label}steady ${params.pace} comments/s`,
    receiver,
    accepted,
    (accepted * 1000) / (ended - started),
    ended,
    false,
  );
}

/** `params.connections` clients posting comments as fast as they can, then the drain. */
async function flood(urls: string[], receiver: Receiver, label: string): Promise<WebhookRow> {
  receiver.reset();
  const connections = splitConnections(params.connections, urls.length);
  const results = await Promise.all(
    urls.map(async (url, index) => {
      const task: DriverTask = {
        url: `${url}/v1/articles/${SEED_SLUG}/comments`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        connections: connections[index] ?? 1,
        duration: params.duration,
        body: 'comment',
      };
      return JSON.parse(await output(['--import', 'tsx', 'bench/driver.ts', JSON.stringify(task)])) as DriverResult;
    }),
  );
  const ended = Date.now();
  const result = combine(results);
  const accepted = result.statuses['202'] ?? 0;
  await drained(receiver, accepted);
  return row(`${label}${params.connections} clients posting comments`, receiver, accepted, result.rps, ended, true);
}

/** Registers the receiver for `comment.created` on `url`, with an admin token the CLI makes on `env`'s database. */
async function register(url: string, env: Record<string, string>, receiver: Receiver, target: string): Promise<void> {
  const printed = await output(['bin/fjord.js', 'token', 'create', '--role', 'admin', '--name', 'bench'], env);
  const token = printed.trim().split('\n').at(-1) ?? '';
  const response = await fetch(`${url}/v1/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ url: target, events: ['comment.created'], description: 'bench' }),
  });
  const body = (await response.json()) as { secret?: string };
  if (response.status !== 201 || !body.secret) throw new Error(`registering the webhook: ${JSON.stringify(body)}`);
  receiver.use(body.secret);
}

async function runOn(
  serverJs: string,
  env: Record<string, string>,
  nodes: number,
  receiver: Receiver,
  target: string,
  label: string,
): Promise<WebhookRow[]> {
  const started: Started[] = [];
  try {
    for (let i = 0; i < nodes; i++) started.push(await startProcess([serverJs], env, `/v1/articles/${SEED_SLUG}`));
    const urls = started.map((s) => s.url);
    await register(urls[0] as string, env, receiver, target);
    log(`${label}steady pace`);
    const pace = await steady(urls, receiver, label);
    log(`${label}flood`);
    const load = await flood(urls, receiver, label);
    return [pace, load];
  } finally {
    for (const server of started) await server.stop();
  }
}

function table(rows: WebhookRow[]): string {
  const head =
    '| scenario | writes/s | deliveries/s | latency p50 | p99 | max | accepted | delivered | duplicates | missing | drain |';
  const lines = rows.map(
    (r) =>
      `| ${r.scenario} | ${Math.round(r.writesPerS).toLocaleString('en')} | ${
        r.deliveriesPerS === null ? '—' : Math.round(r.deliveriesPerS).toLocaleString('en')
      } | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.maxMs} ms | ${r.accepted} | ${r.delivered} | ${r.duplicates} | ${r.missing} | ${r.drainMs} ms |`,
  );
  return [head, `|${' --- |'.repeat(11)}`, ...lines].join('\n');
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'fjord-bench-webhooks-'));
  const receiver = new Receiver();
  const target = await receiver.listen();
  const rows: WebhookRow[] = [];
  try {
    const serverJs = await build(join(ROOT, 'bench/.cache'));
    const sqliteEnv = { ...WEBHOOK_ENV, DATABASE_PATH: join(work, 'fjord.db') };
    rows.push(...(await runOn(serverJs, sqliteEnv, 1, receiver, target, 'SQLite: ')));
    const serverUrl = benchServerUrl();
    if (serverUrl) {
      for (const nodes of [1, 2]) {
        const database = await createBenchDatabase(serverUrl);
        try {
          const env = { ...WEBHOOK_ENV, DATABASE_URL: database.url };
          const label = `PostgreSQL, ${nodes === 1 ? 'one node' : 'two nodes'}: `;
          rows.push(...(await runOn(serverJs, env, nodes, receiver, target, label)));
        } finally {
          await database.drop();
        }
      }
    } else {
      log('no PostgreSQL rows: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a server to add them');
    }
    const result = { date: new Date().toISOString(), params, rows };
    writeFileSync(join(ROOT, 'bench/results/webhooks.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\nWebhook delivery, commit to a verifying receiver\n\n${table(rows)}\n`);
  } finally {
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
