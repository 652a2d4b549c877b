/**
 * `npm run db:migrate` as an operator runs it, as its own step before the nodes start
 * (MIGRATE_ON_START=false): it migrates the database the environment names, and a second run
 * finds nothing to do. `npm run db:seed` then seeds it once.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE } from '../helpers/engine.js';
import { emptyDatabase } from '../helpers/nodes.js';

const run = promisify(execFile);
const database = await emptyDatabase();
afterAll(() => database.drop());

const script = (name: string) =>
  run(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`], {
    // A developer's .env must not name another database than the one under test.
    env: { ...process.env, ...database.env, LOG_LEVEL: 'silent', ENV_FILE: '' },
  });

const folder = TEST_ENGINE === 'postgres' ? 'migrations-pg' : 'migrations';
const migrations = readdirSync(folder).filter((f) => f.endsWith('.sql')).length;
const where = TEST_ENGINE === 'postgres' ? 'the PostgreSQL database of DATABASE_URL' : database.env.DATABASE_PATH;

describe('npm run db:migrate and db:seed', () => {
  it('migrate the database the environment names, once', async () => {
    const first = await script('migrate');
    expect(first.stdout).toBe(`migrated ${where}: ${migrations} migration${migrations === 1 ? '' : 's'} applied\n`);
    const second = await script('migrate');
    expect(second.stdout).toBe(`migrated ${where}: 0 migrations applied\n`);
  });

  it('seed the first article once', async () => {
    const first = await script('seed');
    expect(first.stdout).toBe(
      'seeded: openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne\n',
    );
    const second = await script('seed');
    expect(second.stdout).toBe('the database already holds articles; nothing seeded\n');
  });
});
