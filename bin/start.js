#!/usr/bin/env node
// `npm start`: the compiled server in dist/, as the image runs it, when dist/ is as new as every
// source; compiled JavaScript starts in about half the time the sources take through tsx. When
// dist/ is missing or older than a source (a fresh clone, an edit), the sources run through tsx
// at once, as they always did, and dist/ is compiled in the background, at low priority, for the
// next start: a start never waits for the compiler, and a failed compilation only leaves the next
// start on tsx too (dist/compile.log says why).
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
/** @param {string} path */
const at = (path) => `${root}${path}`;
/** Written after a compilation that succeeded: dist/ is as new as this file. */
const STAMP = at('dist/.compiled');
/** Held while a compilation runs, so that starts meanwhile do not begin another. */
const LOCK = at('dist/.compiling');
const LOCK_STALE_MS = 10 * 60_000;
const SOURCES = [
  'src',
  'seeds',
  'bin/bundle.js',
  'bin/code-cache-start.js',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

/**
 * The latest modification time among the files under `path`.
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(`${path}/${entry}`));
  return latest;
}

function isFresh() {
  if (!existsSync(STAMP) || !existsSync(at('dist/src/server.js'))) return false;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.every((source) => !existsSync(at(source)) || newest(at(source)) <= built);
}

/** The compiled server finds migrations/ beside its src/, as in the image: here, links to the checkout's. */
function linkMigrations() {
  for (const folder of ['migrations', 'migrations-pg']) {
    const link = at(`dist/${folder}`);
    try {
      lstatSync(link);
    } catch {
      try {
        symlinkSync(at(folder), link, 'junction');
      } catch (error) {
        // Another start made it meanwhile.
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      }
    }
  }
}

/** `bin/start.js --compile`: compiles into dist/ and bundles the server (bin/bundle.js), stamps it when tsc succeeds. */
function compile() {
  mkdirSync(at('dist'), { recursive: true });
  let lock;
  try {
    lock = openSync(LOCK, 'wx');
  } catch {
    // Held by another compilation, unless it is stale; gone meanwhile, the next start compiles.
    let heldSince;
    try {
      heldSince = statSync(LOCK).mtimeMs;
    } catch {
      return;
    }
    if (Date.now() - heldSince < LOCK_STALE_MS) return;
    lock = openSync(LOCK, 'w');
  }
  try {
    const log = openSync(at('dist/compile.log'), 'w');
    const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
    const startedAt = new Date();
    const result = spawnSync(process.execPath, [tsc, '-p', at('tsconfig.build.json')], {
      cwd: root,
      stdio: ['ignore', log, log],
    });
    // Bundled, the server starts in half the CPU time; unbundled, tsc's output runs all the same.
    if (result.status === 0) {
      spawnSync(process.execPath, [at('bin/bundle.js'), at('dist')], { cwd: root, stdio: ['ignore', log, log] });
    }
    closeSync(log);
    if (result.status === 0) {
      linkMigrations();
      // Stamped with the time the compiler started: a source saved while it ran is newer.
      writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
      utimesSync(STAMP, startedAt, startedAt);
    }
  } finally {
    closeSync(lock);
    rmSync(LOCK, { force: true });
  }
}

if (process.argv[2] === '--compile') {
  compile();
} else if (isFresh()) {
  linkMigrations();
  await import(pathToFileURL(at('dist/src/server.js')).href);
} else {
  process.stderr.write(
    'fjord: dist/ is missing or older than the sources: running them through tsx, compiling dist/ for the next start\n',
  );
  const compiler = spawn(process.execPath, [fileURLToPath(import.meta.url), '--compile'], {
    cwd: root,
    detached: true,
    stdio: 'ignore',
  });
  // A compiler that cannot be spawned (a process limit) leaves the next start on tsx too.
  compiler.on('error', () => {});
  if (compiler.pid !== undefined) {
    try {
      setPriority(compiler.pid, 19);
    } catch {
      // Not permitted here: it runs at normal priority.
    }
  }
  compiler.unref();
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(at('src/server.ts')).href);
}
