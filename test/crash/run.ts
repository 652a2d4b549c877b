/**
 * `npm run test:crash`: kill -9 the real server at random moments under a mixed write load, restart
 * it, and check that every write acknowledged with a 2xx is present and correct, that nothing is
 * half-written, and that SQLite's integrity_check says ok.
 *
 * CRASH_KILLS (default 12) and CRASH_SEED set the run; CI runs the default, well under 2 minutes.
 */
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { sqliteServices } from '../helpers/engine.js';
import { freePort, type ServerProcess, startServer, tempDatabasePath } from '../helpers/server-process.js';
import { type Acknowledged, checkDatabase, operations, type World } from './operations.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 12);
const WRITERS = 6;
let seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

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
async function load(server: ServerProcess, world: World, acknowledged: Acknowledged[], stop: () => boolean) {
  let n = 0;
  const writer = async () => {
    while (!stop()) {
      const candidates = operations.filter((op) => op.ready(world));
      const op = candidates[Math.floor(random() * candidates.length)];
      if (!op) return;
      try {
        const ack = await op.run(server.url, world, `${Date.now()}-${n++}-${Math.floor(random() * 1e9)}`, random);
        if (ack) acknowledged.push(ack);
      } catch {
        // The connection died with the server: the write was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
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
    lost = checkDatabase(new BetterSqlite3(path, { readonly: true }), acknowledged);
    if (lost.length > 0) break;
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `crash test: ${kills} kills, ${acknowledged.length} writes acknowledged, ${lost.length} lost or wrong, ${seconds} s (seed ${process.env.CRASH_SEED ?? 'random'})\n`,
  );
  if (lost.length > 0) {
    process.stdout.write(`${lost.slice(0, 20).join('\n')}\n`);
    process.exit(1);
  }
}

await main();
