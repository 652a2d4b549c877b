import { runGenerate } from '../src/modules/generator/cli.js';

process.exitCode = await runGenerate(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
