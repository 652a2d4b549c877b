import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigSchema, loadConfig } from '../src/config.js';
import { EnvFileError, loadEnvFile, parseEnvFile, processConfig } from '../src/env-file.js';

const entries = (text: string) => Object.fromEntries(parseEnvFile(text));

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(EnvFileError);
    expect((err as Error).name).toBe('EnvFileError');
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('parseEnvFile', () => {
  it('reads names and values, skipping blank lines and comments', () => {
    const text = [
      '# Where to listen',
      'PORT=3001',
      '',
      '  HOST = 0.0.0.0  ',
      'export LOG_LEVEL=debug',
      'CORS_ORIGINS=https://a.example,https://b.example # the frontends',
      'EMPTY=',
      'HASH=a#b',
    ].join('\n');
    expect(entries(text)).toEqual({
      PORT: '3001',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      CORS_ORIGINS: 'https://a.example,https://b.example',
      EMPTY: '',
      HASH: 'a#b',
    });
  });

  it('reads quoted values: escapes in double quotes, single quotes as written, across lines', () => {
    const text = [
      'A="two\\nlines and a \\"quote\\"" # comment',
      "B='kept \\n as # written'",
      'C="first',
      'second"',
      'D=`back`',
      'E="  spaced  "',
    ].join('\r\n');
    expect(entries(text)).toEqual({
      A: 'two\nlines and a "quote"',
      B: 'kept \\n as # written',
      C: 'first\nsecond',
      D: 'back',
      E: '  spaced  ',
    });
  });

  it('lets a later line win over an earlier one of the same name', () => {
    expect(entries('PORT=1\nPORT=2\n')).toEqual({ PORT: '2' });
  });

  it('names the line of the first thing that is not NAME=value', () => {
    expect(errorOf(() => parseEnvFile('PORT=1\nLOG_LEVEL debug\n'))).toBe('.env line 2: expected NAME=value');
    expect(errorOf(() => parseEnvFile('# x\n\n1PORT=3\n', 'conf/fjord.env'))).toBe(
      'conf/fjord.env line 3: "1PORT" is not a variable name (letters, digits and _)',
    );
    expect(errorOf(() => parseEnvFile('A=1\nB="open\nC=2\n'))).toBe(
      '.env line 2: the " quote opened here is never closed',
    );
    expect(errorOf(() => parseEnvFile("A='x' y\n"))).toBe('.env line 1: unexpected "y" after the closing quote');
  });

  it('reads a file saved with a byte order mark, indented lines and spaces around the value', () => {
    const text = [
      '\uFEFFPORT=3001',
      '  # indented comment',
      'A=x   # after spaces',
      'B= "  quoted  "',
      'C=a\uFEFFb',
    ].join('\n');
    expect(entries(text)).toEqual({ PORT: '3001', A: 'x', B: '  quoted  ', C: 'a\uFEFFb' });
  });

  it('reads a value that is only a comment as empty, and keeps a # inside a word', () => {
    expect(entries('DATABASE_URL= # set me\nB=#also\nC=b#c\nD=plain   ')).toEqual({
      DATABASE_URL: '',
      B: '',
      C: 'b#c',
      D: 'plain',
    });
  });

  it('keeps the spaces inside quotes that end a line, and the lines after', () => {
    expect(entries('A="foo   \n  bar"\nB=`x  `   ')).toEqual({ A: 'foo   \n  bar', B: 'x  ' });
  });

  it('keeps an unknown escape and a backslash ending a line of a double-quoted value as written', () => {
    expect(entries('A="C:\\dir \\d"\nB="ends\\\nnext"')).toEqual({ A: 'C:\\dir \\d', B: 'ends\\\nnext' });
  });

  it('reads export only as a prefix, not inside a name', () => {
    expect(entries('export  PORT=1')).toEqual({ PORT: '1' });
    expect(errorOf(() => parseEnvFile('NOexport PORT=1'))).toBe(
      '.env line 1: "NOexport PORT" is not a variable name (letters, digits and _)',
    );
  });

  it('names the opening line of a quote left open on the last line', () => {
    expect(errorOf(() => parseEnvFile('A=1\nB="open'))).toBe('.env line 2: the " quote opened here is never closed');
  });

  it('reads .env.example whole, and every variable it sets is one Fjord reads, with valid values', () => {
    const example = parseEnvFile(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));
    expect(example.size).toBeGreaterThan(20);
    const known = new Set(Object.keys(ConfigSchema.shape));
    expect([...example.keys()].filter((name) => !known.has(name))).toEqual([]);
    expect(() => loadConfig(Object.fromEntries(example))).not.toThrow();
  });
});

describe('loadEnvFile', () => {
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'fjord-env-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('reads .env from the working directory; what the environment sets wins', () => {
    const dir = folder({ '.env': 'PORT=3001\nHOST=0.0.0.0\nLOG_LEVEL=debug\n' });
    const env: Record<string, string | undefined> = { PORT: '4000', LOG_LEVEL: '' };
    expect(loadEnvFile(env, dir)).toEqual({ path: '.env', applied: ['HOST'], overridden: ['PORT', 'LOG_LEVEL'] });
    expect(env).toEqual({ PORT: '4000', HOST: '0.0.0.0', LOG_LEVEL: '' });
  });

  it('is content without a .env', () => {
    const env = { PORT: '4000' };
    expect(loadEnvFile(env, folder({}))).toBeNull();
    expect(env).toEqual({ PORT: '4000' });
  });

  it('fails on a .env that is a folder, naming .env', () => {
    const dir = folder({});
    mkdirSync(join(dir, '.env'));
    const env = {};
    expect(errorOf(() => loadEnvFile(env, dir))).toBe('.env: is a directory');
    expect(env).toEqual({});
  });

  it('reads the file ENV_FILE names instead, relative to the working directory', () => {
    const dir = folder({ '.env': 'PORT=1\n', 'staging.env': 'PORT=2\n' });
    const env: Record<string, string | undefined> = { ENV_FILE: 'staging.env' };
    expect(loadEnvFile(env, dir)).toEqual({ path: 'staging.env', applied: ['PORT'], overridden: [] });
    expect(env.PORT).toBe('2');
  });

  it('reads no file when ENV_FILE is set empty', () => {
    const env: Record<string, string | undefined> = { ENV_FILE: '' };
    expect(loadEnvFile(env, folder({ '.env': 'PORT=1\n' }))).toBeNull();
    expect(env).toEqual({ ENV_FILE: '' });
  });

  it('fails in one line on a missing ENV_FILE, a folder, or a malformed file, and sets nothing', () => {
    const dir = folder({ '.env': 'PORT=1\nnot a line\n' });
    mkdirSync(join(dir, 'conf'));
    expect(errorOf(() => loadEnvFile({ ENV_FILE: 'missing.env' }, dir))).toBe('ENV_FILE=missing.env: no such file');
    expect(errorOf(() => loadEnvFile({ ENV_FILE: 'conf' }, dir))).toBe('ENV_FILE=conf: is a directory');
    writeFileSync(join(dir, 'plain.env'), 'PORT=1\n');
    expect(errorOf(() => loadEnvFile({ ENV_FILE: 'plain.env/x' }, dir))).toBe(
      'ENV_FILE=plain.env/x: cannot be read (ENOTDIR)',
    );
    const env = {};
    expect(errorOf(() => loadEnvFile(env, dir))).toBe('.env line 2: expected NAME=value');
    expect(env).toEqual({});
  });
});

describe('processConfig', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Runs it with exit and stderr caught: what the process would print, and its exit code. */
  function ended(env: Record<string, string | undefined>) {
    const printed: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      printed.push(String(text));
      return true;
    });
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    expect(() => processConfig(env)).toThrow('exit 78');
    return printed.join('');
  }

  it('gives the configuration, with the file it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjord-env-'));
    writeFileSync(join(dir, 'fjord.env'), 'PORT=4001\n');
    const { config, envFile } = processConfig({ ENV_FILE: join(dir, 'fjord.env') });
    expect(config.PORT).toBe(4001);
    expect(envFile).toEqual({ path: join(dir, 'fjord.env'), applied: ['PORT'], overridden: [] });
    expect(processConfig({ ENV_FILE: '' }).envFile).toBeNull();
  });

  it('ends the process with 78 and one line for a bad file, and the usual lines for bad variables', () => {
    expect(ended({ ENV_FILE: 'missing.env' })).toBe('fjord: ENV_FILE=missing.env: no such file\n');
    expect(ended({ ENV_FILE: '', PORT: 'x' })).toBe('fjord: Invalid configuration:\n  - PORT="x": must be a number\n');
  });

  it('leaves an unexpected error to the caller, printing nothing and not exiting', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    const broken = new Proxy(
      {},
      {
        get() {
          throw new TypeError('environment unreadable');
        },
      },
    );
    expect(() => processConfig(broken)).toThrow(new TypeError('environment unreadable'));
    expect(write).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
  });
});
