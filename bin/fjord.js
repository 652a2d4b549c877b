#!/usr/bin/env node
// The built image holds compiled src/*.js beside bin/; a source checkout runs the TypeScript through tsx.
import { existsSync } from 'node:fs';

const compiled = existsSync(new URL('../src/cli.js', import.meta.url));
if (!compiled) {
  const { register } = await import('tsx/esm/api');
  register();
}
const source = (name) => new URL(`../src/${name}.${compiled ? 'js' : 'ts'}`, import.meta.url).href;
const { EnvFileError, loadEnvFile } = await import(source('env-file'));
const cli = await import(source('cli'));

// The working directory's .env (or ENV_FILE), as the server reads it; the environment wins over it.
try {
  loadEnvFile(process.env);
} catch (err) {
  if (!(err instanceof EnvFileError)) throw err;
  process.stderr.write(`fjord: ${err.message}\n`);
  process.exit(78);
}
process.exitCode = await cli.runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
