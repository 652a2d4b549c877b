import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('fjord help and version', () => {
  it('prints the commands, where settings come from, and the exit codes on --help', async () => {
    const result = await fjord('--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: fjord \[options\] \[command\]\n/);
    for (const command of ['token', 'backup', 'restore', 'generate', 'help']) {
      expect(result.stdout).toMatch(new RegExp(`\\n  ${command} `));
    }
    expect(result.stdout).toContain('Uses DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH');
    expect(result.stdout).toContain('Exit codes: 0 done, 1 failed, 64 wrong usage, 78 bad configuration.');
    expect(await fjord('-h')).toEqual(result);
    expect(await fjord('help')).toEqual(result);
  });

  it('prints the version of package.json on --version', async () => {
    expect(await fjord('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '', lastLine: version });
  });

  it('prints the help of one command, however it is asked for', async () => {
    const help = await fjord('token', 'create', '--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: fjord token create \[options\]\n/);
    expect(help.stdout).toContain('--role <role>  what the token may do: admin, editor, moderator');
    expect(help.stdout).toContain('--name <name>  who or what uses the token');
    expect(await fjord('help', 'token', 'create')).toEqual(help);
    expect(await fjord('token', 'help', 'create')).toEqual(help);

    const token = await fjord('token', '--help');
    expect(token.stdout).toMatch(/^Usage: fjord token \[options\] \[command\]\n/);
    for (const command of ['create', 'list', 'revoke']) expect(token.stdout).toMatch(new RegExp(`\\n  ${command} `));
    expect(await fjord('help', 'token')).toEqual(token);
    // Words after a command that takes none are not run: this revokes nothing.
    expect(await fjord('help', 'token', 'revoke', '1')).toEqual(await fjord('token', 'revoke', '--help'));

    const generate = await fjord('generate', '--help');
    expect(generate.stdout).toMatch(/^Usage: fjord generate \[options\]\n/);
    for (const option of ['--articles <n>', '--comments <n>', '--seed <n>', '--database <path|url>', '-q, --quiet']) {
      expect(generate.stdout).toContain(option);
    }
  });
});

describe('fjord usage errors', () => {
  it('answer 64 with one line on stderr that names the fix, and nothing on stdout', async () => {
    const cases: [string[], string][] = [
      [['tokn', 'list'], 'fjord: unknown command "tokn"; did you mean token? (see fjord --help)'],
      [['token', 'lst'], 'fjord: unknown command "lst"; did you mean list? (see fjord token --help)'],
      [['help', 'tokn'], 'fjord: unknown command "tokn"; did you mean token? (see fjord --help)'],
      [['help', 'token', 'lst'], 'fjord: unknown command "lst"; did you mean list? (see fjord token --help)'],
      [['token', 'help', 'lst'], 'fjord: unknown command "lst"; did you mean list? (see fjord token --help)'],
      [['token'], 'fjord: expected a command: create, list, revoke (see fjord token --help)'],
      [
        ['token', 'create', '--name', 'x'],
        'fjord: --role is required; use one of admin, editor, moderator (see fjord token create --help)',
      ],
      [['token', 'create', '--role'], 'fjord: option "--role <role>" argument missing (see fjord token create --help)'],
      [['token', 'list', '--jsn'], 'fjord: unknown option "--jsn"; did you mean --json? (see fjord token list --help)'],
      [
        ['token', 'list', 'all'],
        'fjord: too many arguments for "list". Expected 0 arguments but got 1. (see fjord token list --help)',
      ],
      [['token', 'revoke'], 'fjord: missing required argument "id" (see fjord token revoke --help)'],
      [
        ['token', 'revoke', '0'],
        'fjord: the token id is a positive whole number, not "0" (see fjord token revoke --help)',
      ],
      [
        ['restore', 'a.db', 'b.db'],
        'fjord: too many arguments for "restore". Expected 1 argument but got 2. (see fjord restore --help)',
      ],
    ];
    for (const [argv, line] of cases) {
      expect({ argv, ...(await fjord(...argv)) }).toEqual({
        argv,
        code: 64,
        stdout: '',
        stderr: `${line}\n`,
        lastLine: '',
      });
    }
  });

  it('answer 78 for a bad configuration, before touching any database', async () => {
    const result = await runCli(['token', 'list'], {
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      stdout: { write: () => undefined },
      stderr: { write: () => undefined },
    });
    expect(result).toBe(78);
  });
});

describe('fjord token list --json', () => {
  it('prints one JSON array of every token on stdout, and nothing else', async () => {
    const jsonEnv = { DATABASE_PATH: join(dir, 'json.db') };
    const run = async (...argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, {
        env: jsonEnv,
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      });
      return { code, stdout, stderr };
    };
    expect(await run('token', 'list', '--json')).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    await run('token', 'create', '--role', 'editor', '--name', 'Ada');
    await run('token', 'create', '--role', 'moderator', '--name', 'Bo');
    await run('token', 'revoke', '2');
    const listed = await run('token', 'list', '--json');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const date = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        id: 1,
        name: 'Ada',
        role: 'editor',
        prefix: expect.stringMatching(/^fjord_/),
        created_at: date,
        last_used_at: null,
        revoked_at: null,
      },
      {
        id: 2,
        name: 'Bo',
        role: 'moderator',
        prefix: expect.stringMatching(/^fjord_/),
        created_at: date,
        last_used_at: null,
        revoked_at: date,
      },
    ]);
  });
});

describe('the fjord executable', () => {
  const exec = promisify(execFile);
  const bin = new URL('../bin/fjord.js', import.meta.url).pathname;

  it('prints its version and exits 0', async () => {
    const { stdout, stderr } = await exec(process.execPath, [bin, '--version'], { env: { ...process.env, ...env } });
    expect({ stdout, stderr }).toEqual({ stdout: `${version}\n`, stderr: '' });
  });

  it('exits 64 on a usage error, with the line on stderr', async () => {
    const failed = await exec(process.execPath, [bin, 'backup'], { env: { ...process.env, ...env } }).catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed).toMatchObject({
      code: 64,
      stdout: '',
      stderr: 'fjord: missing required argument "file" (see fjord backup --help)\n',
    });
  });
});
