/**
 * `npm run bench`: Fjord against a bare Fastify ceiling, in the same run, on a generated database.
 * A benchmark, not a test: it prints figures and checks them against the targets of issue 5, and
 * never fails a build on a figure. With BENCH_DATABASE_URL (or TEST_DATABASE_URL) naming a
 * PostgreSQL server, the same scenarios run again on a database generated there for the run, on one
 * node and on two nodes sharing the load, each against a ceiling of as many bare Fastify processes.
 * `--only <pattern>` runs only the scenarios whose name matches (a case-insensitive regular
 * expression: `--only 'list|tag'`, `--only hostile`, `--only writes`). BENCH_CACHE names a folder of
 * generated databases to reuse (read only: each run works on a copy) instead of bench/.cache.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DriverResult, DriverTask } from './driver.js';
import { HOSTILE_CLIENTS, readersUnderHostileLoad } from './hostile.js';
import { MIXED_ROW, readersUnderWrites, unexpectedWrites } from './mixed.js';
import { benchServerUrl, combine, createBenchDatabase, splitConnections } from './postgres.js';
import { build, output, peakRssMb, ROOT, runToEnd, SERVER_ENV, type Started, startProcess } from './processes.js';
import { type Row, table, targets, targetTable } from './report.js';
import { cursorAt, DEEP_LIST, type Scenario, scenarios } from './scenarios.js';

/** fetch asks for br and gzip unless told otherwise. */
const IDENTITY = { headers: { 'accept-encoding': 'identity' } };

const CACHE = join(ROOT, 'bench/.cache');
/** Where generated databases are kept: BENCH_CACHE when set (shared between checkouts), else bench/.cache. */
const DATABASES = process.env.BENCH_CACHE || CACHE;
const SEED_SLUG = 'openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    comments: { type: 'string' },
    seed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
/** Which scenarios run: all, or those whose name matches --only. */
const only = values.only ? new RegExp(values.only, 'i') : null;
const selected = (name: string) => only === null || only.test(name);
const articles = Number(values.articles);
const params = {
  articles,
  comments: Number(values.comments ?? articles * 10),
  seed: Number(values.seed),
  duration: Math.min(Number(values.duration), 120),
  connections: Number(values.connections),
  rounds: Math.min(Number(values.rounds), 5),
  ...(values.only ? { only: values.only } : {}),
};
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** A generated database per (articles, comments, seed), kept between runs; each run works on a copy. */
async function cachedDatabase(): Promise<string> {
  mkdirSync(DATABASES, { recursive: true });
  const file = join(DATABASES, `fjord-${params.articles}-${params.comments}-${params.seed}.db`);
  if (existsSync(file)) {
    log(`using ${file} (copied, never written)`);
    return file;
  }
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  log(`generating ${params.articles} articles and ${params.comments} comments (cached in ${DATABASES})`);
  const args = ['--articles', String(params.articles), '--comments', String(params.comments)];
  await runToEnd(['bin/fjord.js', 'generate', ...args, '--seed', String(params.seed), '--database', partial]);
  renameSync(partial, file);
  return file;
}

/**
 * One measurement of `scenario` against the server at `url`, or against several nodes at once
 * (`url` a list): then a driver per node, with a share of the connections (and of the articles to
 * revise), all running together, and their results added up.
 */
async function measure(
  url: string | string[],
  scenario: Scenario,
  duration = params.duration,
  database = databasePath,
): Promise<DriverResult> {
  const urls = typeof url === 'string' ? [url] : url;
  const connections = splitConnections(params.connections, urls.length);
  const results = await Promise.all(
    urls.map(async (nodeUrl, index) => {
      const task: DriverTask = {
        url: `${nodeUrl}${scenario.request.path}`,
        method: scenario.request.method,
        headers: scenario.request.headers,
        connections: connections[index] ?? 1,
        duration,
        ...(scenario.request.body ? { body: scenario.request.body } : {}),
        ...(scenario.request.body === 'revision' ? { database } : {}),
        ...(urls.length > 1 ? { share: { index, of: urls.length } } : {}),
      };
      return JSON.parse(await output(['--import', 'tsx', 'bench/driver.ts', JSON.stringify(task)])) as DriverResult;
    }),
  );
  return results.length === 1 ? (results[0] as DriverResult) : combine(results);
}

let databasePath = '';

/** Where each kind of scenario is sent: the configured servers, those without a response cache, the ceilings. */
interface Targets {
  cached: string | string[];
  uncached: string | string[];
  ceiling: string | string[];
  /** The database the revision scenario reads its articles from. */
  database: string;
}

/** Every scenario, `params.rounds` times each against the ceiling and then Fjord; the best round of each is kept. */
async function scenarioRows(list: Scenario[], targets: Targets, label = ''): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of list) {
    if (!selected(scenario.name)) continue;
    if (scenario.unavailable) {
      rows.push({ scenario: scenario.name, fjord: null, ceiling: null, unavailable: scenario.unavailable });
      continue;
    }
    const ceilingRuns: DriverResult[] = [];
    const fjordRuns: DriverResult[] = [];
    for (let round = 0; round < params.rounds; round++) {
      log(`${label}${scenario.name}: round ${round + 1}/${params.rounds}`);
      ceilingRuns.push(await measure(targets.ceiling, list[0] as Scenario));
      fjordRuns.push(
        await measure(
          scenario.server === 'uncached' ? targets.uncached : targets.cached,
          scenario,
          params.duration,
          targets.database,
        ),
      );
    }
    const chosen = best(fjordRuns);
    const unexpected =
      chosen.requests - (chosen.statuses[String(scenario.request.expect)] ?? 0) + chosen.errors + chosen.timeouts;
    rows.push({
      scenario: scenario.name,
      fjord: chosen,
      ceiling: best(ceilingRuns),
      ...(unexpected > 0 ? { unexpected } : {}),
    });
  }
  return rows;
}

/** The cursor `DEEP_LIST` articles down, or null when the list is shorter (a small generated database). */
async function deepCursor(url: string): Promise<string | null> {
  try {
    return await cursorAt(url, DEEP_LIST);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('the list ends')) return null;
    throw err;
  }
}

const best = (results: DriverResult[]) => results.reduce((a, b) => (b.rps > a.rps ? b : a));

/**
 * Readers while HOSTILE_CLIENTS send the costliest searches and diffs, on a server of its own with
 * the default load shedding (1,000 ms of event-loop delay). The worst round is kept: it is a bound, not a best.
 */
async function hostileRow(serverJs: string, env: Record<string, string>, token: string): Promise<Row> {
  const shedding = { ...env, MAX_EVENT_LOOP_DELAY_MS: '1000' };
  const server = await startProcess([serverJs], shedding, `/v1/articles/${SEED_SLUG}`);
  try {
    let worst: Awaited<ReturnType<typeof readersUnderHostileLoad>> | null = null;
    for (let round = 0; round < params.rounds; round++) {
      log(`readers under hostile load: round ${round + 1}/${params.rounds}`);
      const run = await readersUnderHostileLoad(server, {
        token,
        slug: SEED_SLUG,
        connections: params.connections,
        duration: params.duration,
      });
      log(`  attackers' statuses: ${JSON.stringify(run.attackers.statuses)}`);
      if (!worst || run.readers.p99 > worst.readers.p99) worst = run;
    }
    if (!worst) throw new Error('no round of the hostile scenario ran');
    const { readers, attackers } = worst;
    const unexpected = readers.requests - (readers.statuses['200'] ?? 0) + readers.errors + readers.timeouts;
    return {
      scenario: HOSTILE_ROW,
      fjord: readers,
      ceiling: null,
      attackers: attackers.statuses,
      ...(unexpected > 0 ? { unexpected } : {}),
    };
  } finally {
    await server.stop();
  }
}

const HOSTILE_ROW = `readers under hostile load (${HOSTILE_CLIENTS} clients: costly searches and diffs)`;

/**
 * Readers of the server at `url` while the newsroom writes one request in 20 (bench/mixed.ts). The
 * worst round is kept, as for the hostile row: it is a bound, not a best.
 */
async function mixedRow(url: string, database: string, adminToken: string): Promise<Row> {
  let worst: Awaited<ReturnType<typeof readersUnderWrites>> | null = null;
  for (let round = 0; round < params.rounds; round++) {
    log(`${MIXED_ROW}: round ${round + 1}/${params.rounds}`);
    const run = await readersUnderWrites(url, {
      adminToken,
      slug: SEED_SLUG,
      tag: 'technologie',
      database,
      connections: params.connections,
      duration: params.duration,
    });
    log(
      `  reads alone p99 ${run.alone.p99} ms; writes ${Math.round(run.writers.rps)}/s, statuses ${JSON.stringify(run.writers.statuses)}`,
    );
    if (!worst || run.readers.p99 > worst.readers.p99) worst = run;
  }
  if (!worst) throw new Error('no round of the mixed scenario ran');
  const { readers, writers, alone } = worst;
  const unexpected =
    readers.requests - (readers.statuses['200'] ?? 0) + readers.errors + readers.timeouts + unexpectedWrites(writers);
  return {
    scenario: MIXED_ROW,
    fjord: readers,
    ceiling: null,
    writes: writers,
    readsAlone: alone,
    ...(unexpected > 0 ? { unexpected } : {}),
  };
}

/** An admin token for the mixed row's approvals (an editor may not moderate). */
async function adminToken(env: Record<string, string>): Promise<string> {
  const printed = await output(['bin/fjord.js', 'token', 'create', '--role', 'admin', '--name', 'bench admin'], env);
  return printed.trim().split('\n').at(-1) ?? '';
}

interface PostgresResult {
  coldStartRunsMs: number[];
  coldStartMs: number;
  peakRssMb: number | null;
  oneNode: Row[];
  twoNodes: Row[];
}

/**
 * The scenarios on PostgreSQL: a database generated for the run on the server at `serverUrl` (then
 * dropped), two nodes on it, each with an uncached twin, and two ceilings answering its demo
 * article's bytes. One node is measured alone; then both, the load split between them.
 */
async function postgresRows(serverJs: string, serverUrl: string, work: string): Promise<PostgresResult> {
  const database = await createBenchDatabase(serverUrl);
  const running: Started[] = [];
  const start = async (args: string[], env: Record<string, string>, readyPath: string) => {
    const started = await startProcess(args, env, readyPath);
    running.push(started);
    return started;
  };
  try {
    log(`PostgreSQL: generating ${params.articles} articles and ${params.comments} comments into a new database`);
    await runToEnd([
      'bin/fjord.js',
      'generate',
      '--articles',
      String(params.articles),
      '--comments',
      String(params.comments),
      '--seed',
      String(params.seed),
      '--database',
      database.url,
    ]);
    const env = { ...SERVER_ENV, DATABASE_URL: database.url };
    const ready = `/v1/articles/${SEED_SLUG}`;
    const starts: number[] = [];
    let first: Started | null = null;
    for (let i = 0; i < 3; i++) {
      await first?.stop();
      first = await startProcess([serverJs], env, ready);
      starts.push(first.startMs);
    }
    if (!first) throw new Error('the server did not start');
    running.push(first);
    const second = await start([serverJs], env, ready);
    const uncachedEnv = { ...env, RESPONSE_CACHE_BYTES: '0' };
    const uncached = [await start([serverJs], uncachedEnv, ready), await start([serverJs], uncachedEnv, ready)];
    // Identity: the 304 scenario sends this ETag without Accept-Encoding, and each coding has its own.
    const article = await fetch(`${first.url}${ready}`, IDENTITY);
    const bodyFile = join(work, 'article-postgres.json');
    writeFileSync(bodyFile, await article.text());
    const baseline = ['--import', 'tsx', 'bench/baseline.ts'];
    const ceilings = [
      await start(baseline, { BODY_FILE: bodyFile }, '/'),
      await start(baseline, { BODY_FILE: bodyFile }, '/'),
    ];
    const token = await output(['bin/fjord.js', 'token', 'create', '--role', 'editor', '--name', 'bench'], {
      DATABASE_URL: database.url,
      IP_HASH_KEY: env.IP_HASH_KEY,
    });
    const context = {
      slug: SEED_SLUG,
      editorToken: token.trim().split('\n').at(-1) ?? '',
      etag: article.headers.get('etag') ?? '',
      deepCursor: await deepCursor(first.url),
      tag: 'technologie',
      query: 'Thomas Roux',
      commonQuery: 'souveraineté numérique',
    };
    const list = scenarios(context);
    const urls = (servers: Started[]) => servers.map((server) => server.url);
    log('PostgreSQL: warming up the servers');
    await measure(urls(ceilings), list[0] as Scenario, 3);
    await measure([first.url, second.url], list[0] as Scenario, 3);
    const oneNode = await scenarioRows(
      list,
      {
        cached: first.url,
        uncached: urls(uncached)[0] ?? '',
        ceiling: urls(ceilings)[0] ?? '',
        database: database.url,
      },
      'PostgreSQL, one node: ',
    );
    const twoNodes = await scenarioRows(
      list,
      { cached: [first.url, second.url], uncached: urls(uncached), ceiling: urls(ceilings), database: database.url },
      'PostgreSQL, two nodes: ',
    );
    if (selected(MIXED_ROW)) {
      const admin = await adminToken({ DATABASE_URL: database.url, IP_HASH_KEY: env.IP_HASH_KEY });
      oneNode.push(await mixedRow(first.url, database.url, admin));
    }
    const peak = peakRssMb(first.child.pid);
    if (selected(HOSTILE_ROW)) oneNode.push(await hostileRow(serverJs, env, context.editorToken));
    return {
      coldStartRunsMs: starts,
      coldStartMs: [...starts].sort((a, b) => a - b)[1] as number,
      peakRssMb: peak,
      oneNode,
      twoNodes,
    };
  } finally {
    for (const server of running) await server.stop();
    await database.drop();
  }
}

async function main() {
  const source = await cachedDatabase();
  const serverJs = await build(CACHE);
  const work = mkdtempSync(join(tmpdir(), 'fjord-bench-'));
  const database = join(work, 'fjord.db');
  copyFileSync(source, database);
  // On disk before anything is timed: the kernel writing back gigabytes of copy behind the cold
  // starts would time the disk, not the server.
  const copied = openSync(database, 'r+');
  fsyncSync(copied);
  closeSync(copied);
  databasePath = database;
  const env = { DATABASE_PATH: database, ...SERVER_ENV };
  const postgresServer = benchServerUrl();
  let fjord: Started | null = null;
  let uncached: Started | null = null;
  let ceiling: Started | null = null;
  try {
    // Cold start: process start to the first 200 of an article, three times on the existing database.
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await fjord?.stop();
      fjord = await startProcess([serverJs], env, `/v1/articles/${SEED_SLUG}`);
      starts.push(fjord.startMs);
    }
    const coldStartMs = starts.sort((a, b) => a - b)[1] as number;
    if (!fjord) throw new Error('the server did not start');
    // Identity: the 304 scenario sends this ETag without Accept-Encoding, and each coding has its own.
    const article = await fetch(`${fjord.url}/v1/articles/${SEED_SLUG}`, IDENTITY);
    const bodyFile = join(work, 'article.json');
    writeFileSync(bodyFile, await article.text());
    ceiling = await startProcess(['--import', 'tsx', 'bench/baseline.ts'], { BODY_FILE: bodyFile }, '/');
    // A second server on the same database, without the response cache, for the uncached rows.
    uncached = await startProcess([serverJs], { ...env, RESPONSE_CACHE_BYTES: '0' }, `/v1/articles/${SEED_SLUG}`);
    const token = await output(['bin/fjord.js', 'token', 'create', '--role', 'editor', '--name', 'bench'], {
      DATABASE_PATH: database,
    });
    const context = {
      slug: SEED_SLUG,
      editorToken: token.trim().split('\n').at(-1) ?? '',
      etag: article.headers.get('etag') ?? '',
      deepCursor: await deepCursor(fjord.url),
      tag: 'technologie',
      query: 'Thomas Roux',
      commonQuery: 'souveraineté numérique',
    };
    const list = scenarios(context);
    log('warming up both servers');
    await measure(ceiling.url, list[0] as Scenario, 3);
    await measure(fjord.url, list[0] as Scenario, 3);

    const rows = await scenarioRows(list, {
      cached: fjord.url,
      uncached: uncached.url,
      ceiling: ceiling.url,
      database,
    });
    if (selected(MIXED_ROW))
      rows.push(await mixedRow(fjord.url, database, await adminToken({ DATABASE_PATH: database })));
    if (selected(HOSTILE_ROW)) rows.push(await hostileRow(serverJs, env, context.editorToken));
    const facts = { articles: params.articles, coldStartMs, peakRssMb: peakRssMb(fjord.child.pid) };
    const checked = targets(rows, facts);
    // The SQLite servers stop before PostgreSQL's start: each engine has the machine to itself.
    await fjord.stop();
    await uncached.stop();
    await ceiling.stop();
    const postgres = postgresServer ? await postgresRows(serverJs, postgresServer, work) : null;
    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()}`,
      node: process.version,
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const result = {
      date: new Date().toISOString(),
      machine,
      params,
      coldStartRunsMs: starts,
      ...facts,
      rows,
      targets: checked,
      ...(postgres ? { postgres } : {}),
    };
    writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `\n${params.articles.toLocaleString('en')} articles, ${params.comments.toLocaleString('en')} comments · ` +
        `${params.connections} connections · ${params.duration} s × ${params.rounds} rounds, best of each · ` +
        `${machine.cpu} × ${machine.cores}, node ${machine.node}\n\n${table(rows, facts)}\n\n${targetTable(checked)}\n`,
    );
    if (postgres) {
      const pgFacts = { articles: params.articles, coldStartMs: postgres.coldStartMs, peakRssMb: postgres.peakRssMb };
      process.stdout.write(
        `\nPostgreSQL, one node (ceiling: one bare Fastify process)\n\n${table(postgres.oneNode, pgFacts)}\n` +
          `\nPostgreSQL, two nodes sharing the load (ceiling: two bare Fastify processes sharing it alike)\n\n` +
          `${table(postgres.twoNodes, pgFacts)}\n`,
      );
    } else {
      log('no PostgreSQL rows: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a server to add them');
    }
  } finally {
    await fjord?.stop();
    await uncached?.stop();
    await ceiling?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
