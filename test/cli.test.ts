import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { openDatabase } from '../src/db/client.js';
import { sqliteServices } from './helpers/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'fjord-cli-'));
const env = { DATABASE_PATH: join(dir, 'fjord.db') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fjord(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr, lastLine: stdout.trimEnd().split('\n').at(-1) ?? '' };
}

describe('fjord token create', () => {
  it('prints a working token alone on the last line of stdout', async () => {
    const result = await fjord('token', 'create', '--role', 'editor', '--name', 'Newsroom bot');
    expect(result.code).toBe(0);
    expect(result.lastLine).toMatch(/^fjord_[A-Za-z0-9_-]{43}$/);
    const database = openDatabase(env.DATABASE_PATH);
    try {
      const principal = await sqliteServices(database).tokens.authenticate(`Bearer ${result.lastLine}`);
      expect(principal).toEqual({ tokenId: expect.any(Number), name: 'Newsroom bot', role: 'editor' });
    } finally {
      database.close();
    }
  });

  it('refuses an unknown role with exit code 64 and one line naming the fix', async () => {
    expect(await fjord('token', 'create', '--role', 'edtor', '--name', 'x')).toEqual({
      code: 64,
      stdout: '',
      stderr: 'fjord: unknown role "edtor"; use one of admin, editor, moderator (see fjord token create --help)\n',
      lastLine: '',
    });
  });

  it('refuses a missing name and unknown options with exit code 64', async () => {
    expect(await fjord('token', 'create', '--role', 'admin')).toMatchObject({
      code: 64,
      stdout: '',
      stderr: 'fjord: --name is required, e.g. --name "Newsroom bot" (see fjord token create --help)\n',
    });
    expect(await fjord('token', 'create', '--role', 'admin', '--name', 'x', '--colour', 'red')).toMatchObject({
      code: 64,
      stdout: '',
      stderr: 'fjord: unknown option "--colour" (see fjord token create --help)\n',
    });
    expect(await fjord()).toMatchObject({
      code: 64,
      stdout: '',
      stderr: 'fjord: expected a command: token, backup, restore, generate (see fjord --help)\n',
    });
  });
});

describe('fjord token list and revoke', () => {
  it('lists tokens without their secrets, and a revoked token stops working', async () => {
    const created = await fjord('token', 'create', '--role', 'moderator', '--name', 'Mod');
    const listed = await fjord('token', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/\tmoderator\tfjord_\S+…\tMod\tlast used never\n/);
    expect(listed.stdout).not.toContain(created.lastLine);

    const id = /created token (\d+)/.exec(created.stdout)?.[1] ?? '';
    const revoked = await fjord('token', 'revoke', id);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked token ${id} "Mod"\n` });
    const database = openDatabase(env.DATABASE_PATH);
    try {
      await expect(sqliteServices(database).tokens.authenticate(`Bearer ${created.lastLine}`)).rejects.toThrow(
        'The bearer token has been revoked',
      );
    } finally {
      database.close();
    }
  });

  it('answers exit code 64 for a revoke without a numeric id, and 1 for an unknown one', async () => {
    expect(await fjord('token', 'revoke', 'abc')).toMatchObject({
      code: 64,
      stderr: 'fjord: the token id is a positive whole number, not "abc" (see fjord token revoke --help)\n',
    });
    const missing = await fjord('token', 'revoke', '9999');
    expect(missing).toMatchObject({ code: 1, stderr: 'fjord: No token with id 9999\n' });
  });
});

describe('fjord backup and restore', () => {
  it('backs up the database and restores it into an empty path, never over an existing one', async () => {
    await fjord('token', 'create', '--role', 'admin', '--name', 'Kept');
    const file = join(dir, 'backup.db');
    const backup = await fjord('backup', file);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toBe(`backed up ${env.DATABASE_PATH} to ${file}\n`);
    // Progress on stderr, stderr being no terminal here: lines with counts and a rate, the last one whole.
    const lines = backup.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^backup: [\d,]+\/[\d,]+ pages \(\d+%\) [\d,]+\/s$/);
    const [, pages] = /^backup: ([\d,]+)\//.exec(lines.at(-1) ?? '') ?? [];
    expect(lines.at(-1)).toMatch(new RegExp(`^backup: ${pages}/${pages} pages \\(100%\\) `));
    expect(Number(pages?.replaceAll(',', ''))).toBeGreaterThan(1);

    const refused = await fjord('restore', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds a database');

    const target = join(dir, 'restored', 'fjord.db');
    let stdout = '';
    let stderr = '';
    const code = await runCli(['restore', file], {
      env: { DATABASE_PATH: target },
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect(code).toBe(0);
    expect(stdout).toBe(`restored ${file} into ${target}\n`);
    expect(stderr).toMatch(
      /^(restore: [\d,]+\/[\d,]+ pages \(\d+%\) [\d,]+\/s\n)*restore: ([\d,]+)\/\2 pages \(100%\) [\d,]+\/s\n$/,
    );
    const restored = openDatabase(target);
    try {
      const { data } = await sqliteServices(restored).tokens.list({ limit: 100 });
      expect(data.map((t) => t.name)).toContain('Kept');
    } finally {
      restored.close();
    }
  });

  it('refuses a backup without a file, and an existing backup file', async () => {
    expect(await fjord('backup')).toMatchObject({
      code: 64,
      stderr: 'fjord: missing required argument "file" (see fjord backup --help)\n',
    });
    expect((await fjord('backup', join(dir, 'backup.db'))).code).toBe(1);
  });
});

describe('fjord backup and restore with DATABASE_URL', () => {
  it('refuse, pointing to pg_dump, and touch nothing', async () => {
    for (const command of ['backup', 'restore']) {
      let stderr = '';
      const file = join(dir, `${command}-pg.dump`);
      const code = await runCli([command, file], {
        env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', IP_HASH_KEY: 'k'.repeat(32) },
        stdout: { write: () => undefined },
        stderr: { write: (text: string) => (stderr += text) },
      });
      expect(code).toBe(1);
      expect(stderr).toBe(
        `fjord: "${command}" copies a SQLite database file; with DATABASE_URL, use pg_dump and pg_restore (see the README)\n`,
      );
      expect(existsSync(file)).toBe(false);
    }
  });
});
