/**
 * What a new user meets on `npm start`: the .env file, the start line, the log format, and a
 * port that another process already holds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, type ServerProcess, startServer, tempDatabasePath } from '../helpers/server-process.js';

function folderWithEnv(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fjord-cwd-'));
  writeFileSync(join(dir, '.env'), text);
  return dir;
}

/** Waits until the server's output holds `pattern`, and returns the match. */
async function printed(server: ServerProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 600; i++) {
    const match = server.stdout().match(pattern);
    if (match) return match;
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never printed ${pattern}: ${server.stdout()}${server.stderr()}`);
}

async function stop(server: ServerProcess) {
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}

const ENV = 'CORS_ORIGINS=https://app.example\n# The environment sets LOG_LEVEL, and wins.\nLOG_LEVEL=loud\n';

describe('the .env file', () => {
  it('is read from the working directory, and the environment wins over it', async () => {
    const server = startServer(
      { PORT: String(await freePort()), DATABASE_PATH: tempDatabasePath(), ENV_FILE: undefined },
      { cwd: folderWithEnv(ENV) },
    );
    // LOG_LEVEL=loud in the file would stop the start: the environment's warn was kept.
    await server.ready();
    const allowed = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://other.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    await stop(server);
  });

  it('is not read when ENV_FILE is set empty, as every other test server runs', async () => {
    const server = startServer(
      { PORT: String(await freePort()), DATABASE_PATH: tempDatabasePath() },
      { cwd: folderWithEnv(ENV) },
    );
    await server.ready();
    const res = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://other.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    await stop(server);
  });

  it('stops the start in one line, with exit code 78, when malformed', async () => {
    const server = startServer(
      { PORT: String(await freePort()), DATABASE_PATH: tempDatabasePath(), ENV_FILE: undefined },
      { cwd: folderWithEnv('PORT=3000\nLOG_LEVEL debug\n') },
    );
    expect(await server.exited).toBe(78);
    expect(server.stderr()).toBe('fjord: .env line 2: expected NAME=value\n');
  });
});

describe('starting up', () => {
  it('prints the URLs of the API and of its docs with the port really bound, as JSON off a terminal', async () => {
    const server = startServer({ PORT: '0', LOG_LEVEL: 'info', DATABASE_PATH: tempDatabasePath() });
    const [line] = await printed(server, /^\{.*"msg":"Fjord listening on .*\}$/m);
    const { msg } = JSON.parse(line ?? '') as { msg: string };
    const [, url, port] = msg.match(/^Fjord listening on (http:\/\/127\.0\.0\.1:(\d+)) — API docs at \1\/docs$/) ?? [];
    expect(Number(port)).toBeGreaterThan(0);
    // Every line is JSON, for a log collector.
    for (const logged of server.stdout().trim().split('\n')) expect(() => JSON.parse(logged)).not.toThrow();
    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(await index.json()).toMatchObject({ links: { docs: { href: '/docs' } } });
    await stop(server);
  });

  it('prints lines for a person with LOG_FORMAT=pretty', async () => {
    const server = startServer({
      PORT: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'pretty',
      DATABASE_PATH: tempDatabasePath(),
    });
    const [line] = await printed(server, /^.*Fjord listening on .*$/m);
    expect(line).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Fjord listening on (http:\/\/127\.0\.0\.1:\d+) — API docs at \1\/docs$/,
    );
    // Not a terminal: no color codes, and no JSON.
    expect(server.stdout()).not.toMatch(/\u001b\[|^\{/m);
    await stop(server);
  });

  it('says in one line that the port is taken, and exits 75, leaving the other server serving', async () => {
    const port = String(await freePort());
    const first = startServer({ PORT: port, DATABASE_PATH: tempDatabasePath() });
    await first.ready();
    const second = startServer({ PORT: port, DATABASE_PATH: tempDatabasePath() });
    expect(await second.exited).toBe(75);
    expect(second.stderr()).toBe(
      `fjord: port ${port} on 127.0.0.1 is already in use by another process: stop that process, or set PORT to a free port\n`,
    );
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await stop(first);
  });
});
