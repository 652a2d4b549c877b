// Copied by bin/bundle.js to dist/src/server.js: runs the server's bundle (server.cjs beside it)
// with V8's code cache. Node 20 caches no compiled code between runs (module.enableCompileCache
// came in Node 22), and compiling the 4 MB bundle was the largest cost left in a cold start. The
// first start compiles it and, a few seconds after (or on exit, if sooner), writes what V8
// compiled to server.cjs.cache; later starts hand that to V8 and skip most of the parsing and
// compiling. The cache is named after the bundle's size and modification time: V8 checks only a
// source's length, so a cache must never meet another bundle (one written by a server still
// running an earlier build, say). A cache that is missing or refused by V8 (another Node version,
// other flags) is only slower: it is written again where the folder is writable, and not at all
// where it is not.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// V8's heap flags first (src/heap-flags.ts, as tsc compiled it beside this file): a code cache
// carries a hash of V8's flags, and one written after the server set them would be refused by the
// next start, which compiles before the server runs. The bundle sets the same values again.
await import('./heap-flags.js');

/** Long enough for the start's own compiling (the first requests' included) to be in the cache. */
const WRITE_AFTER_MS = 5_000;

const file = fileURLToPath(new URL('./server.cjs', import.meta.url));
const source = readFileSync(file, 'utf8');
const { size, mtimeMs } = statSync(file);
const cacheFile = `${file}.${size}-${Math.trunc(mtimeMs)}.cache`;

/** @returns {Buffer | undefined} */
function readCache() {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** @param {vm.Script} script */
function writeCache(script) {
  const partial = `${cacheFile}.${process.pid}`;
  try {
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, cacheFile);
  } catch {
    // A read-only folder (an image run as an unprivileged user): starts stay uncached.
    rmSync(partial, { force: true });
  }
}

const cachedData = readCache();
const script = new vm.Script(Module.wrap(source), {
  filename: file,
  cachedData,
});
if (cachedData === undefined || script.cachedDataRejected) {
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    writeCache(script);
  };
  setTimeout(write, WRITE_AFTER_MS).unref();
  // A process stopped sooner (a restart, a benchmark's start) leaves it too.
  process.once('exit', write);
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
