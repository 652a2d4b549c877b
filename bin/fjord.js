#!/usr/bin/env node
// The built image holds compiled src/*.js beside bin/; a source checkout runs the TypeScript through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../src/cli.js', import.meta.url);
let cli;
if (existsSync(compiled)) {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli.ts', import.meta.url).href);
}
process.exitCode = await cli.runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
