/** The `fjord` command reads the working directory's .env, as the server does. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/fjord.js', import.meta.url).pathname;

async function fjord(cwd: string, args: string[], env: Record<string, string> = {}) {
  // Only what the test sets names a database or a file.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['ENV_FILE', 'DATABASE_PATH', 'DATABASE_URL'].includes(name)),
  );
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...inherited, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('fjord and .env', () => {
  it('takes its database from the .env of the working directory, unless the environment names one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjord-cli-env-'));
    writeFileSync(join(dir, '.env'), `DATABASE_PATH=${join(dir, 'from-file.db')}\n`);
    const fromFile = await fjord(dir, ['token', 'create', '--role', 'editor', '--name', 'ci']);
    expect(fromFile.code).toBe(0);
    expect(existsSync(join(dir, 'from-file.db'))).toBe(true);

    const fromEnv = await fjord(dir, ['token', 'create', '--role', 'editor', '--name', 'ci'], {
      DATABASE_PATH: join(dir, 'from-env.db'),
    });
    expect(fromEnv.code).toBe(0);
    expect(existsSync(join(dir, 'from-env.db'))).toBe(true);
  });

  it('stops in one line, with exit code 78, on a malformed .env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjord-cli-env-'));
    writeFileSync(join(dir, '.env'), 'DATABASE_PATH\n');
    const run = await fjord(dir, ['token', 'list']);
    expect(run).toEqual({ code: 78, stdout: '', stderr: 'fjord: .env line 1: expected NAME=value\n' });
  });
});
