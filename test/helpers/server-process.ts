import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
/** tsx by its path, so that a server started from another folder still runs the sources. */
const TSX = import.meta.resolve('tsx');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'fjord-proc-')), 'fjord.db');
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts the real server (src/server.ts) as its own process, as `npm start` does. ENV_FILE is set
 * empty, so that a developer's .env in the repository never changes what a test starts; a test of
 * the file itself sets ENV_FILE, or passes `undefined` to read the working directory's `.env`.
 * `cwd` runs it from another folder.
 */
export function startServer(
  env: Record<string, string | undefined>,
  options: { cwd?: string } = {},
): ServerProcess & { ready: () => Promise<void> } {
  const port = Number(env.PORT);
  const merged: Record<string, string | undefined> = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ENV_FILE: '',
    ...env,
  };
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/server.ts')], {
    cwd: options.cwd ?? ROOT,
    env: Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const ready = async () => {
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${err}`);
      try {
        if ((await fetch(`${url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`server did not become healthy: ${err}`);
  };
  return { child, port, url, stdout: () => out, stderr: () => err, exited, ready };
}
