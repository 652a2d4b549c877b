import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { seed } from '../seeds/index.js';
import { createServices } from './app.js';
import { type CliIo, prepare, run, UsageError } from './command-line.js';
import { type Config, loadConfig } from './config.js';
import { backupDatabase, restoreDatabase } from './db/backup.js';
import { openDatabase } from './db/client.js';
import { openEngine } from './engine/open.js';
import { generateCommand } from './modules/generator/cli.js';
import type { Token } from './modules/tokens/schemas.js';
import { ROLES, type Role } from './shared/actor.js';
import { createProgress } from './shared/progress.js';

export type { CliIo } from './command-line.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const AFTER_HELP = `
Help on one command: fjord <command> --help, or fjord help <command>.

Uses DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH (SQLite, default ./data/fjord.db);
safe to run while the server runs. backup and restore are for SQLite: on PostgreSQL, use
pg_dump and pg_restore (see the README).

Exit codes: 0 done, 1 failed, 64 wrong usage, 78 bad configuration.
`;

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

/** backup and restore copy a SQLite file; a PostgreSQL database has its own tools. */
function assertSqlite(config: Config, name: string): void {
  if (config.DATABASE_URL) {
    throw new Error(
      `"${name}" copies a SQLite database file; with DATABASE_URL, use pg_dump and pg_restore (see the README)`,
    );
  }
}

function tokenCommands(env: CliIo['env'], io: CliIo): Command {
  const token = new Command('token').description('create, list and revoke API tokens');

  token
    .command('create')
    .description('create a token; its secret is printed once, alone on the last line of stdout')
    .option('--role <role>', `what the token may do: ${ROLES.join(', ')}`)
    .option('--name <name>', 'who or what uses the token')
    .action(async (flags: { role?: string; name?: string }, command: Command) => {
      const { role, name } = flags;
      const roles = `use one of ${ROLES.join(', ')}`;
      if (role === undefined) throw new UsageError(`--role is required; ${roles}`, command);
      if (!isRole(role)) throw new UsageError(`unknown role "${role}"; ${roles}`, command);
      if (!name?.trim()) throw new UsageError('--name is required, e.g. --name "Newsroom bot"', command);
      await withTokens(loadConfig(env), async (tokens) => {
        const { token, secret } = await tokens.create({ name: name.trim(), role });
        io.stdout.write(`created token ${token.id} "${token.name}" (${token.role}); store it now, it is shown once:\n`);
        io.stdout.write(`${secret}\n`);
      });
    });

  token
    .command('list')
    .description('list every token, without secrets: id, role, prefix, name, last use')
    .option('--json', 'print one JSON array of tokens on stdout')
    .action(async (flags: { json?: boolean }) => {
      await withTokens(loadConfig(env), async (tokens) => {
        const all: Token[] = [];
        let cursor: string | undefined;
        do {
          const page = await tokens.list({ limit: 100, cursor });
          all.push(...page.data);
          cursor = page.meta.next_cursor ?? undefined;
        } while (cursor !== undefined);
        if (flags.json) {
          io.stdout.write(`${JSON.stringify(all)}\n`);
          return;
        }
        for (const t of all) {
          const state = t.revoked_at ? `revoked ${t.revoked_at}` : `last used ${t.last_used_at ?? 'never'}`;
          io.stdout.write(`${t.id}\t${t.role}\t${t.prefix}…\t${t.name}\t${state}\n`);
        }
        if (all.length === 0) io.stdout.write('no tokens\n');
      });
    });

  token
    .command('revoke')
    .description('revoke a token: requests with it answer 401 from now on')
    .argument('<id>', 'the id shown by fjord token list')
    .action(async (idText: string, _flags: unknown, command: Command) => {
      const id = Number(idText);
      if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id <= 0) {
        throw new UsageError(`the token id is a positive whole number, not "${idText}"`, command);
      }
      await withTokens(loadConfig(env), async (tokens) => {
        const revoked = await tokens.revoke(id);
        io.stdout.write(`revoked token ${revoked.id} "${revoked.name}"\n`);
      });
    });

  return token;
}

function progressTo(io: CliIo, label: string, quiet: boolean | undefined) {
  return quiet ? undefined : createProgress({ label, unit: 'pages', stream: io.stderr });
}

function fileCommands(env: CliIo['env'], io: CliIo): Command[] {
  const backup = new Command('backup')
    .description('a consistent copy of the live SQLite database, taken while the server serves')
    .argument('<file>', 'a new file for the copy (never written over)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (file: string, flags: { quiet?: boolean }) => {
      const config = loadConfig(env);
      assertSqlite(config, 'backup');
      const database = openDatabase(config.DATABASE_PATH, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS });
      try {
        await backupDatabase(database.sqlite, file, progressTo(io, 'backup', flags.quiet));
      } finally {
        database.close();
      }
      io.stdout.write(`backed up ${config.DATABASE_PATH} to ${file}\n`);
    });

  const restore = new Command('restore')
    .description('a backup into an empty DATABASE_PATH (never over an existing database)')
    .argument('<file>', 'a file written by fjord backup')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (file: string, flags: { quiet?: boolean }) => {
      const config = loadConfig(env);
      assertSqlite(config, 'restore');
      await restoreDatabase(file, config.DATABASE_PATH, progressTo(io, 'restore', flags.quiet));
      io.stdout.write(`restored ${file} into ${config.DATABASE_PATH}\n`);
    });

  return [backup, restore];
}

/** The whole `fjord` program, writing to `io`; each run builds its own. */
function fjordProgram(io: CliIo): Command {
  const env = io.env;
  const program = new Command('fjord')
    .description('Fjord from the command line: API tokens, backups and generated content.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help')
    .addHelpText('after', AFTER_HELP);
  program.addCommand(tokenCommands(env, io));
  for (const command of fileCommands(env, io)) program.addCommand(command);
  program.addCommand(generateCommand(env, io, (engine) => seed(createServices(engine))));
  return prepare(program, io);
}

/**
 * The `fjord` command. Returns the exit code: 0 done, 1 failed, 64 wrong usage, 78 bad configuration.
 * The secret of a new token is alone on the last line of stdout, so scripts can take it with `tail -n 1`.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = fjordProgram(io);
  // io.env already holds the values of a .env file: bin/fjord.js loads it before calling this.
  return run(program, withHelpResolved(program, argv), io);
}

const subcommand = (command: Command, name: string) =>
  command.commands.find((sub) => sub.name() === name || sub.aliases().includes(name));

/**
 * `fjord help token create` and `fjord token help create` are `fjord token create --help`. A name
 * no command has is run as typed up to that name, so it is the usage error `fjord tokn` gives, with
 * its suggestion; a command that takes no further commands reads no further words
 * (`fjord help token revoke 5` revokes nothing).
 */
function withHelpResolved(program: Command, argv: string[]): string[] {
  let command = program;
  for (const [at, word] of argv.entries()) {
    if (word === 'help' && at + 1 < argv.length)
      return [...argv.slice(0, at), ...helpArgs(command, argv.slice(at + 1))];
    const next = subcommand(command, word);
    if (!next) return argv;
    command = next;
  }
  return argv;
}

function helpArgs(parent: Command, words: string[]): string[] {
  let command = parent;
  for (const [i, word] of words.entries()) {
    if (command.commands.length === 0) return [...words.slice(0, i), '--help'];
    const next = subcommand(command, word);
    if (!next) return words.slice(0, i + 1);
    command = next;
  }
  return [...words, '--help'];
}
