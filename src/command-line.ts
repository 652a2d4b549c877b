import { type Command, CommanderError, type HelpContext } from 'commander';
import { ConfigError } from './config.js';

/** Exit codes of `fjord`: the sysexits.h values for wrong usage and bad configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 64, config: 78 } as const;

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** A wrong invocation of `command`: one line that names the fix and that command's help, exit 64. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: Command,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `fjord token create`: the names from the program down to `command`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function usageLine(message: string, command: Command): string {
  const path = commandPath(command);
  return `${path.split(' ')[0]}: ${message} (see ${path} --help)\n`;
}

/** Commander's `error: unknown command 'tokn'\n(Did you mean token?)` in the voice of our own messages. */
export function ourVoice(commanderMessage: string): string {
  return commanderMessage
    .trim()
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.+)\?\)$/, '; did you mean $1?')
    .replace(/'([^']*)'/g, '"$1"');
}

/**
 * Makes `command` and its subcommands report to `io` and return instead of exiting: help on
 * stdout, errors as one line on stderr. A group called without a subcommand names its subcommands
 * instead of printing its whole help.
 */
export function prepare(command: Command, io: CliIo): Command {
  command.exitOverride().configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    // Help wraps to the terminal it is shown on, else to 80 columns, whatever the test runner's own stdout.
    getOutHelpWidth: () => io.stdout.columns ?? 80,
    outputError: (text) => io.stderr.write(usageLine(ourVoice(text), command)),
  });
  if (command.commands.length > 0) {
    const help = command.help.bind(command);
    command.help = ((context?: HelpContext) => {
      if (context?.error) {
        const names = command.commands.map((sub) => sub.name()).join(', ');
        throw new UsageError(`expected a command: ${names}`, command);
      }
      return help(context);
    }) as Command['help'];
  }
  for (const sub of command.commands) prepare(sub, io);
  return command;
}

const SHOWN_HELP = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Runs a prepared program on `argv` and returns its exit code. */
export async function run(program: Command, argv: string[], io: CliIo): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    // Commander has already written its help, version or error line.
    if (err instanceof CommanderError) return SHOWN_HELP.has(err.code) ? EXIT.ok : EXIT.usage;
    if (err instanceof UsageError) {
      io.stderr.write(usageLine(err.message, err.command));
      return EXIT.usage;
    }
    io.stderr.write(`fjord: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof ConfigError ? EXIT.config : EXIT.failed;
  }
}
