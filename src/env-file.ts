import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Config, ConfigError, loadConfig } from './config.js';

/**
 * The `.env` file of a process entry point (the server, the CLI, the scripts). Only they read it,
 * before loadConfig, so that code building an app from an explicit environment (tests, tools)
 * never sees a developer's file.
 */

/** The file cannot be read or does not parse: the entry point reports it in one line and exits 78. */
export class EnvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvFileError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * Parses dotenv text: `NAME=value` lines, `#` comments, an optional `export `, values bare
 * (a `#` at their start or after white space starts a comment: `A= # later` is empty, `A=b#c` is
 * `b#c`), in single quotes or backticks (as written) or double quotes (\n, \t, \" and \\ escapes);
 * quoted values may span lines, and keep every space inside their quotes. A later line wins over
 * an earlier one of the same name.
 * Throws EnvFileError naming the line of the first thing that is none of these.
 */
export function parseEnvFile(text: string, file = '.env'): Map<string, string> {
  // trimStart() below also drops a byte order mark: it is white space to JavaScript.
  const lines = text.split(/\r?\n/);
  const values = new Map<string, string>();
  const fail = (line: number, what: string) => new EnvFileError(`${file} line ${line}: ${what}`);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    // Only the start: the end of a line that opens a quote belongs to the quoted value.
    const line = (lines[i] as string).trimStart();
    if (line.trimEnd() === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals === -1) throw fail(lineNo, 'expected NAME=value');
    const name = line
      .slice(0, equals)
      .replace(/^export\s+/, '')
      .trim();
    if (!NAME.test(name)) throw fail(lineNo, `${JSON.stringify(name)} is not a variable name (letters, digits and _)`);
    let rest = line.slice(equals + 1).trimStart();
    const quote = rest[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      values.set(name, rest.startsWith('#') ? '' : rest.replace(/\s+#.*/, '').trimEnd());
      continue;
    }
    // A quoted value: read on, line after line, up to its closing quote.
    let value = '';
    let pos = 1;
    const start = lineNo;
    for (;;) {
      if (pos >= rest.length) {
        i++;
        if (i >= lines.length) throw fail(start, `the ${quote} quote opened here is never closed`);
        value += '\n';
        rest = lines[i] as string;
        pos = 0;
        continue;
      }
      const ch = rest[pos] as string;
      if (ch === quote) break;
      if (ch === '\\' && quote === '"' && pos + 1 < rest.length) {
        const next = rest[pos + 1] as string;
        value += ESCAPES[next] ?? `\\${next}`;
        pos += 2;
        continue;
      }
      value += ch;
      pos++;
    }
    const after = rest.slice(pos + 1).trim();
    if (after !== '' && !after.startsWith('#'))
      throw fail(i + 1, `unexpected ${JSON.stringify(after)} after the closing quote`);
    values.set(name, value);
  }
  return values;
}

export interface EnvFileLoaded {
  /** The file read, as given (`.env`, or ENV_FILE). */
  path: string;
  /** Variables taken from the file. */
  applied: string[];
  /** Variables in the file that the environment already set, and that it kept. */
  overridden: string[];
}

/**
 * Reads `.env` from the working directory, or the file ENV_FILE names, into `env`; a variable
 * the environment already sets keeps its value. A missing `.env` is no error; a missing ENV_FILE
 * is, since it was asked for. ENV_FILE set empty reads no file. Returns null when none was read.
 */
export function loadEnvFile(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): EnvFileLoaded | null {
  const named = env.ENV_FILE;
  if (named === '') return null;
  const path = named ?? '.env';
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && named === undefined) return null;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new EnvFileError(`${named === undefined ? path : `ENV_FILE=${path}`}: ${why}`);
  }
  const applied: string[] = [];
  const overridden: string[] = [];
  for (const [name, value] of parseEnvFile(text, path)) {
    if (env[name] === undefined) {
      env[name] = value;
      applied.push(name);
    } else {
      overridden.push(name);
    }
  }
  return { path, applied, overridden };
}

/**
 * The configuration of a process entry point: its `.env` (or ENV_FILE), then every variable
 * checked. Either one wrong ends the process with one line on stderr and exit code 78.
 */
export function processConfig(env: Record<string, string | undefined> = process.env): {
  config: Config;
  envFile: EnvFileLoaded | null;
} {
  try {
    const envFile = loadEnvFile(env);
    return { config: loadConfig(env), envFile };
  } catch (err) {
    if (err instanceof EnvFileError || err instanceof ConfigError) {
      process.stderr.write(`fjord: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
