#!/usr/bin/env node
// `node bin/bundle.js [dist]`: bundles the server into dist/, after tsc has compiled into it. The
// server and the modules and packages it imports become one file, dist/src/server.cjs, which
// dist/src/server.js runs with V8's code cache (bin/code-cache-start.js); the work thread's
// script, dist/src/work-thread.js, becomes one file too. Loading one large file instead of some
// 850 small ones halves the CPU time of a cold start, and the code cache takes a third off the
// rest. Every way of running dist/ (`npm start`, the image, the benchmark, the compiled smoke
// test) still runs dist/src/server.js; the other compiled modules stay beside it, unused.
// The bundles are built from the TypeScript sources (the tsconfig's isolatedModules keeps esbuild's
// output the same as tsc's), never from dist/, which a concurrent compilation may be rewriting.
//
// One file per entry, no shared chunks: chunks are evaluated before the entry's own modules,
// which would reorder the schemas registered for the OpenAPI document.
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Loaded from node_modules at run time: native code (better-sqlite3), packages that read files
 * beside their own sources (@fastify/swagger-ui's static files), and those that only some
 * configurations load, already through `createRequire` or `import()` in the sources. In the
 * CommonJS bundle, a lazily imported module's `require` of them (the PostgreSQL engine's pg)
 * runs only when that module is first evaluated.
 */
const EXTERNAL = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'ioredis',
  'pino-pretty',
  'sanitize-html',
  '@fastify/swagger-ui',
  'tsx',
].flatMap((name) => [name, `${name}/*`]);

/** @param {string} dist the folder tsc compiled into */
export async function bundle(dist) {
  const { build } = await import('esbuild');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const outdir = resolve(dist, 'src');
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    sourcemap: 'linked',
    logLevel: 'warning',
  };
  // Code caches of earlier bundles (see bin/code-cache-start.js), and any left half written.
  const earlierCache = /^server\.cjs\.(.+\.)?cache(\.\d+)?$/;
  for (const name of readdirSync(outdir)) if (earlierCache.test(name)) rmSync(join(outdir, name));
  // CommonJS, because Node 20 can hand V8 a code cache for a script, not for an ES module.
  await build({
    ...common,
    entryPoints: [join(root, 'src/server.ts')],
    outfile: join(outdir, 'server.cjs'),
    format: 'cjs',
    // import() of an external (@fastify/swagger-ui, a CommonJS package) as require(): a function
    // restored from the code cache has lost the callback that import() needs in a vm.Script.
    supported: { 'dynamic-import': false },
    plugins: [keepModuleUrls(root, 'new URL(PATH, require("node:url").pathToFileURL(__filename)).href')],
  });
  copyFileSync(fileURLToPath(new URL('code-cache-start.js', import.meta.url)), join(outdir, 'server.js'));
  rmSync(join(outdir, 'server.js.map'), { force: true });
  // The thread's script is loaded by a Worker, once, off the event loop: an ES module as before.
  await build({
    ...common,
    entryPoints: [join(root, 'src/work-thread.ts')],
    outfile: join(outdir, 'work-thread.js'),
    format: 'esm',
    // Bundled CommonJS packages require Node's own modules: give them a require.
    banner: {
      js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
    },
    plugins: [keepModuleUrls(root, 'new URL(PATH, import.meta.url).href')],
  });
}

/**
 * A module's `import.meta.url` would be its bundle's (or, in CommonJS, empty): it is rewritten to
 * the URL its compiled module has in dist/, from which the migrations folder, the work thread's
 * script and `createRequire` are found. `url` is the expression of that URL, PATH standing for the
 * compiled module's path relative to the bundles' folder, dist/src.
 * @param {string} root the checkout, whose src/ and seeds/ tsc compiles into dist/src and dist/seeds
 * @param {string} url
 * @returns {import('esbuild').Plugin}
 */
function keepModuleUrls(root, url) {
  return {
    name: 'keep-module-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const compiled = relative(join(root, 'src'), args.path).replace(/\.ts$/, '.js');
        const path = JSON.stringify(compiled.split(sep).join('/'));
        return {
          contents: source.replaceAll('import.meta.url', url.replace('PATH', path)),
          loader: 'ts',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  await bundle(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
}
