import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/helpers/server-process.js';

export const ROOT = new URL('../', import.meta.url).pathname;

export interface Started {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawning the process to the first 200 from `readyPath`. */
  startMs: number;
  stop: () => Promise<void>;
}

/** A developer's .env must not change what is measured: processes see only the environment given. */
const NO_ENV_FILE = { ENV_FILE: '' };

/** Spawns a node process and waits (bounded: 30 s) for `readyPath` to answer 200. */
export async function startProcess(args: string[], env: Record<string, string>, readyPath: string): Promise<Started> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...NO_ENV_FILE, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = started + 30_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`${url}${readyPath}`);
      await response.arrayBuffer();
      if (response.status === 200) return { child, url, startMs: performance.now() - started, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await stop();
  throw new Error(`${args.join(' ')} did not answer ${readyPath} within 30 s: ${stderr}`);
}

/** Peak resident set (VmHWM) of a process, in MB, from Linux's /proc; null elsewhere. */
export function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs a command to completion, inheriting stderr (progress), and fails on a non-zero exit. */
export async function runToEnd(args: string[], env: Record<string, string> = {}): Promise<void> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...NO_ENV_FILE, ...env },
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
}

/** Runs a command and returns its stdout. */
export async function output(args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...NO_ENV_FILE, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
  return out;
}

/** The server as production runs it: compiled JavaScript in `cache`, migrations beside it as in the Docker image. */
export async function build(cache: string): Promise<string> {
  const dist = join(cache, 'dist');
  rmSync(dist, { recursive: true, force: true });
  await runToEnd([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dist]);
  // As `npm run build` and `npm start` build it: the server bundled in place.
  await runToEnd([join(ROOT, 'bin/bundle.js'), dist]);
  symlinkSync(join(ROOT, 'migrations'), join(dist, 'migrations'));
  symlinkSync(join(ROOT, 'migrations-pg'), join(dist, 'migrations-pg'));
  return join(dist, 'src/server.js');
}

/** The server's settings in every benchmark: production mode, and nothing that refuses a load generator. */
export const SERVER_ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MAX: '0',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  COMMENTS_FLOOD_WINDOW_S: '0',
  IP_HASH_KEY: 'bench-key-bench-key-bench-key-bench-key',
};
