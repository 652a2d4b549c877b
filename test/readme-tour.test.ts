import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, type ServerProcess, startServer, tempDatabasePath } from './helpers/server-process.js';

/**
 * The README's tour promises to run top to bottom as pasted. This runs it: the ```sh blocks between
 * the tour markers, in one bash, against the real server on a fresh SQLite file, with the fjord
 * command on the same file. Only the line that sets BASE is pointed at this server's port.
 */
const ROOT = new URL('../', import.meta.url).pathname;
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const BASE_LINE = 'BASE=http://127.0.0.1:3000';

function tourBlocks(readme: string): string[] {
  const start = readme.indexOf('<!-- tour:start -->');
  const end = readme.indexOf('<!-- tour:end -->');
  if (start === -1 || end === -1 || end < start)
    throw new Error('README.md has no <!-- tour:start --> ... <!-- tour:end -->');
  return [...readme.slice(start, end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

function requireTool(name: string): void {
  const found = spawnSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`the README tour needs ${name}, and it is not installed`);
}

function runBash(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the README tour', () => {
  let server: (ServerProcess & { ready: () => Promise<void> }) | undefined;
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('sets BASE once, to the address npm start serves, so the test can point it elsewhere', () => {
    const blocks = tourBlocks(README);
    expect(blocks.length).toBeGreaterThan(5);
    const lines = blocks.join('\n').split('\n');
    expect(lines.filter((line) => line.startsWith('BASE='))).toEqual([BASE_LINE]);
  });

  it('runs top to bottom as pasted, against the real server and the fjord command', { timeout: 180_000 }, async () => {
    requireTool('curl');
    requireTool('jq');
    const databasePath = tempDatabasePath();
    const port = await freePort();
    server = startServer({ PORT: String(port), DATABASE_PATH: databasePath });
    await server.ready();

    const script = tourBlocks(README).join('\n').replace(BASE_LINE, `BASE=${server.url}`);
    const { code, out, err } = await runBash(script, { DATABASE_PATH: databasePath });
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });

    // What the tour shows a reader along the way
    expect(out).toContain('{"status":"ok","engine":"sqlite","database":"up"}');
    expect(out).toMatch(/^304$/m);
    expect(out).toMatch(/^405$/m);
    expect(out).toMatch(/^idempotent-replayed: true\r?$/im);
    expect(out).toContain('"status": 409');
    expect(out).toContain('is not a parameter of this route');
    expect(out).toContain('[{"id":2,"outcome":"updated","from":"pending","to":"spam"}]');

    // What it left on the server: the article published at revision 4 with revision 5 scheduled,
    // and the one approved comment
    const article = await (await fetch(`${server.url}/v1/articles/les-fjords-en-hiver`)).json();
    expect(article).toMatchObject({
      title: 'Les fjords, l’hiver',
      revision: 4,
      tags: [{ slug: 'geographie', name: 'Géographie' }],
      comment_count: 1,
    });
    const comments = (await (await fetch(`${server.url}/v1/articles/les-fjords-en-hiver/comments`)).json()) as {
      data: { author_name: string; body: string }[];
    };
    expect(comments.data.map((c) => [c.author_name, c.body])).toEqual([['Ingrid', 'Et les aurores boréales ?']]);
  });
});
