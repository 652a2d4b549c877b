import { parseArgs } from 'node:util';
import { createServices } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { ROLES, type Role } from './modules/tokens/schemas.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const USAGE = `Usage:
  fjord token create --role admin|editor|moderator --name <name>
  fjord token list
  fjord token revoke <id>

Uses DATABASE_PATH (default ./data/fjord.db); safe to run while the server runs.
`;

/** A wrong invocation: exit code 2 with the usage, as command-line tools do. */
class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * The `fjord` command. Returns the exit code: 0 done, 1 failed, 2 wrong usage, 78 bad configuration.
 * The secret of a new token is alone on the last line of stdout, so scripts can take it with `tail -n 1`.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let database: ReturnType<typeof openDatabase> | undefined;
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const [group, command, ...rest] = positionals;
    if (group !== 'token' || !command) throw new UsageError('expected a command such as "token create"');
    const run = (() => {
      if (command === 'create' && rest.length === 0) {
        const { role, name } = values;
        if (!role || !isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        if (!name?.trim()) throw new UsageError('--name is required');
        return async (tokens: Tokens) => {
          const { token, secret } = await tokens.create({ name: name.trim(), role });
          io.stdout.write(
            `created token ${token.id} "${token.name}" (${token.role}); store it now, it is shown once:\n`,
          );
          io.stdout.write(`${secret}\n`);
        };
      }
      if (command === 'list' && rest.length === 0) {
        return async (tokens: Tokens) => {
          const { data } = await tokens.list({ limit: 100 });
          for (const t of data) {
            const state = t.revoked_at ? `revoked ${t.revoked_at}` : `last used ${t.last_used_at ?? 'never'}`;
            io.stdout.write(`${t.id}\t${t.role}\t${t.prefix}…\t${t.name}\t${state}\n`);
          }
          if (data.length === 0) io.stdout.write('no tokens\n');
        };
      }
      const id = Number(rest[0]);
      if (command === 'revoke' && rest.length === 1 && Number.isSafeInteger(id) && id > 0) {
        return async (tokens: Tokens) => {
          const token = await tokens.revoke(id);
          io.stdout.write(`revoked token ${token.id} "${token.name}"\n`);
        };
      }
      throw new UsageError(`unknown or incomplete command "token ${[command, ...rest].join(' ')}"`);
    })();
    const config = loadConfig(io.env);
    database = openDatabase(config.DATABASE_PATH);
    runMigrations(database.db);
    await run(createServices(database.db).tokens);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`fjord: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`fjord: ${err.message}\n`);
      return 78;
    }
    io.stderr.write(`fjord: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    database?.close();
  }
}

type Tokens = ReturnType<typeof createServices>['tokens'];
