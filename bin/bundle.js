#!/usr/bin/env node
// `node bin/bundle.js [dist]`: bundles the compiled server in dist/ (tsc's output) in place.
// dist/src/server.js and dist/src/work-thread.js become each one file holding the modules they
// import and the packages those import: loading one large file instead of some 850 small ones
// halves the CPU time of a cold start. Every way of running dist/ (`npm start`, the image, the
// benchmark, the compiled smoke test) still runs dist/src/server.js; the other compiled modules
// stay beside it, unused by the bundles. Run after tsc, never on an already bundled dist/.
//
// One file per entry, no shared chunks: chunks are evaluated before the entry's own modules,
// which would reorder the schemas registered for the OpenAPI document.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Loaded from node_modules at run time: native code (better-sqlite3), packages that read files
 * beside their own sources (@fastify/swagger-ui's static files), and those that only some
 * configurations load, already through `createRequire` or `import()` in the sources.
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
];

/**
 * External packages that only a lazily imported module uses (the PostgreSQL engine's driver). An
 * `import` of an external is hoisted to the top of the bundle and would load the driver at every
 * start: these are `require`d instead, when the module that uses them is first evaluated.
 */
const REQUIRED_WHEN_USED = new Set(['pg']);

/** @param {string} dist the folder tsc compiled into */
export async function bundle(dist) {
  const { build } = await import('esbuild');
  const outdir = resolve(dist, 'src');
  await build({
    entryPoints: [join(outdir, 'server.js'), join(outdir, 'work-thread.js')],
    outdir,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
    // Bundled CommonJS packages require Node's own modules, and REQUIRED_WHEN_USED theirs.
    banner: {
      js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [keepModuleUrls(outdir), requiredWhenUsed()],
  });
}

/**
 * A module's `import.meta.url` would be its bundle's: it is rewritten to the URL the module had in
 * dist/, from which the migrations folder, the worker thread's script and `createRequire` are found.
 * @param {string} outdir
 * @returns {import('esbuild').Plugin}
 */
function keepModuleUrls(outdir) {
  return {
    name: 'keep-module-urls',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const path = relative(outdir, args.path).split(sep).join('/');
        const url = `new URL(${JSON.stringify(path)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** @returns {import('esbuild').Plugin} */
function requiredWhenUsed() {
  return {
    name: 'required-when-used',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!REQUIRED_WHEN_USED.has(args.path)) return undefined;
        if (args.namespace === 'required-when-used') return { path: args.path, external: true };
        return { path: args.path, namespace: 'required-when-used' };
      });
      build.onLoad({ filter: /.*/, namespace: 'required-when-used' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  await bundle(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
}
