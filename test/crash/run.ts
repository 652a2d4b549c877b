/**
 * `npm run test:crash`: kill -9 the real server at random moments under a mixed write load, restart
 * it, and check that every write acknowledged with a 2xx is present and correct, that nothing is
 * half-written, and that SQLite's integrity_check says ok.
 *
 * With CRASH_DATABASE_URL naming a PostgreSQL server (or `--postgres`, which takes TEST_DATABASE_URL),
 * the same load runs against two nodes on a database created for the run (and dropped after it):
 * each round kills one node or both, and row checks stand in for SQLite's integrity_check.
 *
 * CRASH_KILLS (default 12; on PostgreSQL, the rounds) and CRASH_SEED set the run; CI runs the default,
 * well under 2 minutes on either engine.
 */
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createServices } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { openPgEngine } from '../../src/engine/postgres.js';
import { sqliteServices } from '../helpers/engine.js';
import { createDatabase } from '../helpers/pg-admin.js';
import { freePort, type ServerProcess, startServer, tempDatabasePath } from '../helpers/server-process.js';
import { type Acknowledged, checkDatabase, checkPgDatabase, operations, type World } from './operations.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 12);
const WRITERS = 6;
let seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const IP_HASH_KEY = 'crash-key-crash-key-crash-key-crash-key';

async function prepare(path: string): Promise<World> {
  const database = openDatabase(path);
  runMigrations(database.db);
  const services = sqliteServices(database);
  const editor = await services.tokens.create({ name: 'crash-editor', role: 'editor' });
  const moderator = await services.tokens.create({ name: 'crash-moderator', role: 'moderator' });
  database.close();
  return { editor: `Bearer ${editor.secret}`, moderator: `Bearer ${moderator.secret}`, articles: [], comments: [] };
}

/** Writers loop until the server dies under them; only 2xx answers count as acknowledged. */
async function load(
  server: ServerProcess | (() => ServerProcess),
  world: World,
  acknowledged: Acknowledged[],
  stop: () => boolean,
) {
  let n = 0;
  const writer = async () => {
    while (!stop()) {
      const candidates = operations.filter((op) => op.ready(world));
      const op = candidates[Math.floor(random() * candidates.length)];
      if (!op) return;
      // Each write goes to a node of its own choosing when there are several.
      const target = typeof server === 'function' ? server() : server;
      try {
        const ack = await op.run(target.url, world, `${Date.now()}-${n++}-${Math.floor(random() * 1e9)}`, random);
        if (ack) acknowledged.push(ack);
      } catch {
        // The connection died with the server: the write was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

function report(kills: number, acknowledged: Acknowledged[], lost: string[], started: number, label = '') {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `crash test${label}: ${kills} kills, ${acknowledged.length} writes acknowledged, ${lost.length} lost or wrong, ${seconds} s (seed ${process.env.CRASH_SEED ?? 'random'})\n`,
  );
  if (lost.length > 0) {
    process.stdout.write(`${lost.slice(0, 20).join('\n')}\n`);
    process.exit(1);
  }
}

async function main() {
  const path = tempDatabasePath();
  const world = await prepare(path);
  const acknowledged: Acknowledged[] = [];
  const env = { DATABASE_PATH: path, RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0', COMMENTS_FLOOD_WINDOW_S: '0' };
  const started = Date.now();
  let kills = 0;
  let lost: string[] = [];

  for (let round = 0; round < KILLS; round++) {
    const server = startServer({ ...env, PORT: String(await freePort()) });
    await server.ready();
    let killed = false;
    const running = load(server, world, acknowledged, () => killed);
    await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1200));
    server.child.kill('SIGKILL');
    killed = true;
    await server.exited;
    await running;
    kills++;
    // Checked after every kill, before the next start: what the crash left on disk.
    lost = await checkDatabase(new BetterSqlite3(path, { readonly: true }), acknowledged);
    if (lost.length > 0) break;
  }

  report(kills, acknowledged, lost, started);
}

/** The PostgreSQL server to crash against, or null for the SQLite run. */
function postgresServerUrl(): string | null {
  if (process.env.CRASH_DATABASE_URL) return process.env.CRASH_DATABASE_URL;
  if (!process.argv.includes('--postgres')) return null;
  if (!process.env.TEST_DATABASE_URL) throw new Error('--postgres takes the server from TEST_DATABASE_URL');
  return process.env.TEST_DATABASE_URL;
}

/** A migrated database of its own on the server, with the tokens the load writes with. */
async function preparePg(url: string): Promise<World> {
  const engine = openPgEngine(url, { poolMax: 2, workBudgetMs: 1000 });
  try {
    await engine.migrate();
    const { tokens } = createServices(engine, undefined, defaultConfig({ IP_HASH_KEY }));
    const editor = await tokens.create({ name: 'crash-editor', role: 'editor' });
    const moderator = await tokens.create({ name: 'crash-moderator', role: 'moderator' });
    return { editor: `Bearer ${editor.secret}`, moderator: `Bearer ${moderator.secret}`, articles: [], comments: [] };
  } finally {
    await engine.close();
  }
}

/**
 * Two nodes on one PostgreSQL database under the mixed write load, each write sent to either. Each
 * round kills one node or both at a random moment; what the database holds is checked while the
 * survivor (if any) idles, and the dead restart for the next round.
 */
async function mainPg(serverUrl: string) {
  const name = `fjord_crash_${randomBytes(6).toString('hex')}`;
  const database = await createDatabase(serverUrl, name);
  const env = {
    DATABASE_URL: database.url,
    IP_HASH_KEY,
    RATE_LIMIT_MAX: '0',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    COMMENTS_FLOOD_WINDOW_S: '0',
    PG_POOL_MAX: '4',
  };
  const nodes: (ReturnType<typeof startServer> | null)[] = [null, null];
  const client = new pg.Client({ connectionString: database.url });
  const acknowledged: Acknowledged[] = [];
  const started = Date.now();
  let kills = 0;
  let lost: string[] = [];
  try {
    const world = await preparePg(database.url);
    await client.connect();
    for (let round = 0; round < KILLS; round++) {
      // The dead restart together, as an orchestrator brings them back.
      for (const [i, node] of nodes.entries()) {
        if (!node) nodes[i] = startServer({ ...env, PORT: String(await freePort()) });
      }
      const live = nodes.filter((node): node is ReturnType<typeof startServer> => node !== null);
      await Promise.all(live.map((node) => node.ready()));
      let stopped = false;
      const running = load(
        () => live[Math.floor(random() * live.length)] as ServerProcess,
        world,
        acknowledged,
        () => stopped,
      );
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1200));
      const which = random();
      const victims = which < 0.2 ? [0, 1] : which < 0.6 ? [0] : [1];
      const dying = live.filter((_, i) => victims.includes(i));
      for (const node of dying) node.child.kill('SIGKILL');
      await Promise.all(dying.map((node) => node.exited));
      for (const i of victims) nodes[i] = null;
      stopped = true;
      await running;
      kills += victims.length;
      lost = await checkPgDatabase(client, acknowledged);
      if (lost.length > 0) break;
    }
  } finally {
    for (const node of nodes) {
      if (node && node.child.exitCode === null) {
        node.child.kill('SIGKILL');
        await node.exited;
      }
    }
    await client.end().catch(() => {});
    await database.drop();
  }
  report(kills, acknowledged, lost, started, ' on PostgreSQL, two nodes');
}

const postgres = postgresServerUrl();
if (postgres) await mainPg(postgres);
else await main();
