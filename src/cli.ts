import { parseArgs } from 'node:util';
import { seed } from '../seeds/index.js';
import { createServices } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { backupDatabase, restoreDatabase } from './db/backup.js';
import { openDatabase } from './db/client.js';
import { openEngine } from './engine/open.js';
import { runGenerate } from './modules/generator/cli.js';
import { ROLES, type Role } from './shared/actor.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const USAGE = `Usage:
  fjord token create --role admin|editor|moderator --name <name>
  fjord token list
  fjord token revoke <id>
  fjord backup <file>      a consistent copy of the live database, taken while the server serves
  fjord restore <file>     a backup into an empty DATABASE_PATH (never over an existing database)
  fjord generate [--articles N] [--comments N] [--seed N] [--database PATH|URL]
                           fills a new database with generated content (fjord generate --help)

Uses DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH (SQLite, default ./data/fjord.db);
safe to run while the server runs. backup and restore are for SQLite: on PostgreSQL, use
pg_dump and pg_restore (see the README).
`;

/** A wrong invocation: exit code 2 with the usage, as command-line tools do. */
class UsageError extends Error {}

type Options = { role?: string; name?: string };
type Command = (config: Config, io: CliIo) => Promise<void>;

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

/** Runs `use` on the tokens service of a migrated database, and closes it. */
async function withTokens(config: Config, use: (tokens: ReturnType<typeof createServices>['tokens']) => Promise<void>) {
  const engine = await openEngine(config);
  try {
    await engine.migrate();
    await use(createServices(engine, undefined, config).tokens);
  } finally {
    await engine.close();
  }
}

function tokenCommand(args: string[], options: Options): Command {
  const [command, ...rest] = args;
  if (command === 'create' && rest.length === 0) {
    const { role, name } = options;
    if (!role || !isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (!name?.trim()) throw new UsageError('--name is required');
    return (config, io) =>
      withTokens(config, async (tokens) => {
        const { token, secret } = await tokens.create({ name: name.trim(), role });
        io.stdout.write(`created token ${token.id} "${token.name}" (${token.role}); store it now, it is shown once:\n`);
        io.stdout.write(`${secret}\n`);
      });
  }
  if (command === 'list' && rest.length === 0) {
    return (config, io) =>
      withTokens(config, async (tokens) => {
        const { data } = await tokens.list({ limit: 100 });
        for (const t of data) {
          const state = t.revoked_at ? `revoked ${t.revoked_at}` : `last used ${t.last_used_at ?? 'never'}`;
          io.stdout.write(`${t.id}\t${t.role}\t${t.prefix}…\t${t.name}\t${state}\n`);
        }
        if (data.length === 0) io.stdout.write('no tokens\n');
      });
  }
  const id = Number(rest[0]);
  if (command === 'revoke' && rest.length === 1 && Number.isSafeInteger(id) && id > 0) {
    return (config, io) =>
      withTokens(config, async (tokens) => {
        const token = await tokens.revoke(id);
        io.stdout.write(`revoked token ${token.id} "${token.name}"\n`);
      });
  }
  throw new UsageError(`unknown or incomplete command "token ${args.join(' ')}"`);
}

function fileArgument(name: string, args: string[]): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`"${name}" takes one file`);
  return args[0];
}

/** backup and restore copy a SQLite file; a PostgreSQL database has its own tools. */
function assertSqlite(config: Config, name: string): void {
  if (config.DATABASE_URL) {
    throw new Error(
      `"${name}" copies a SQLite database file; with DATABASE_URL, use pg_dump and pg_restore (see the README)`,
    );
  }
}

function commandFor(positionals: string[], options: Options): Command {
  const [group, ...args] = positionals;
  switch (group) {
    case 'token':
      return tokenCommand(args, options);
    case 'backup': {
      const file = fileArgument('backup', args);
      return async (config, io) => {
        assertSqlite(config, 'backup');
        const database = openDatabase(config.DATABASE_PATH, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS });
        try {
          await backupDatabase(database.sqlite, file);
        } finally {
          database.close();
        }
        io.stdout.write(`backed up ${config.DATABASE_PATH} to ${file}\n`);
      };
    }
    case 'restore': {
      const file = fileArgument('restore', args);
      return async (config, io) => {
        assertSqlite(config, 'restore');
        await restoreDatabase(file, config.DATABASE_PATH);
        io.stdout.write(`restored ${file} into ${config.DATABASE_PATH}\n`);
      };
    }
    default:
      throw new UsageError('expected a command such as "token create" or "backup <file>"');
  }
}

/**
 * The `fjord` command. Returns the exit code: 0 done, 1 failed, 2 wrong usage, 78 bad configuration.
 * The secret of a new token is alone on the last line of stdout, so scripts can take it with `tail -n 1`.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // generate has options of its own, so it parses its own arguments.
  if (argv[0] === 'generate') return runGenerate(argv.slice(1), io.env, io, (engine) => seed(createServices(engine)));
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const command = commandFor(positionals, values);
    await command(loadConfig(io.env), io);
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
  }
}
