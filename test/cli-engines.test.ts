/**
 * The token commands on whichever database the environment names: a SQLite file, or PostgreSQL
 * through DATABASE_URL. The CLI migrates a new database, and a node serving it sees what it wrote.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/app.js';
import { runCli } from '../src/cli.js';
import { defaultConfig } from '../src/config.js';
import { emptyDatabase } from './helpers/nodes.js';

const database = await emptyDatabase();
afterAll(() => database.drop());

async function fjord(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: database.env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr, lastLine: stdout.trimEnd().split('\n').at(-1) ?? '' };
}

describe('fjord token, on the configured engine', () => {
  it('creates, lists and revokes tokens that the services on that database honour', async () => {
    const created = await fjord('token', 'create', '--role', 'editor', '--name', 'Newsroom bot');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.lastLine).toMatch(/^fjord_[A-Za-z0-9_-]{43}$/);
    const id = /created token (\d+)/.exec(created.stdout)?.[1] ?? '';

    const engine = database.open();
    try {
      const { tokens } = createServices(engine, undefined, defaultConfig());
      expect(await tokens.authenticate(`Bearer ${created.lastLine}`)).toEqual({
        tokenId: Number(id),
        name: 'Newsroom bot',
        role: 'editor',
      });
      const listed = await fjord('token', 'list');
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/\teditor\tfjord_\S+…\tNewsroom bot\tlast used /);
      expect(listed.stdout).not.toContain(created.lastLine);
      expect(await fjord('token', 'revoke', id)).toMatchObject({
        code: 0,
        stdout: `revoked token ${id} "Newsroom bot"\n`,
      });
      await expect(tokens.authenticate(`Bearer ${created.lastLine}`)).rejects.toThrow(
        'The bearer token has been revoked',
      );
    } finally {
      await engine.close();
    }
  });
});

describe('fjord token list, beyond one page', () => {
  it('lists every token, in text and in JSON, past the hundredth', async () => {
    const engine = database.open();
    try {
      const { tokens } = createServices(engine, undefined, defaultConfig());
      const before = JSON.parse((await fjord('token', 'list', '--json')).stdout) as { id: number }[];
      for (let i = 1; i <= 120; i++) await tokens.create({ name: `bot ${i}`, role: 'editor' });
      const listed = await fjord('token', 'list', '--json');
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      const all = JSON.parse(listed.stdout) as { id: number; name: string }[];
      expect(all).toHaveLength(before.length + 120);
      expect(all.slice(before.length).map((t) => t.name)).toEqual(
        Array.from({ length: 120 }, (_, i) => `bot ${i + 1}`),
      );
      expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
      expect(all.map((t) => t.id)).toEqual(all.map((t) => t.id).sort((a, b) => a - b));

      const text = await fjord('token', 'list');
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(all.length);
      expect(lines.at(-1)).toMatch(/^\d+\teditor\tfjord_\S+…\tbot 120\tlast used never$/);
    } finally {
      await engine.close();
    }
  });
});
