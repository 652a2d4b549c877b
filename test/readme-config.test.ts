import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../src/config.js';

/**
 * The README's table of variables and .env.example are what users read to configure Fjord: both
 * must name every variable src/config.ts reads, and nothing else, with the defaults it applies.
 */
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ENV_EXAMPLE = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
const variables = Object.keys(ConfigSchema.shape).sort();

/** A default as an environment variable would spell it: unset when there is none, lists as empty. */
function spelled(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`no spelling for the default ${JSON.stringify(value)}`);
}

function readmeTable(): Map<string, string> {
  const section = README.slice(README.indexOf('### Every variable'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| variable')));
  const rows = new Map<string, string>();
  for (const match of table.matchAll(/^\| `([A-Z0-9_]+)` +\| ([^|]+?) +\|/gm)) {
    rows.set(match[1] ?? '', match[2] ?? '');
  }
  return rows;
}

describe('the documented configuration', () => {
  it('lists every variable once in the README table, with the default src/config.ts applies', () => {
    const rows = readmeTable();
    expect([...rows.keys()].sort()).toEqual(variables);
    for (const name of variables) {
      const value = spelled(defaults[name]);
      const shown = rows.get(name);
      if (value === undefined || value === '')
        expect({ name, shown }).toMatchObject({ shown: expect.not.stringMatching(/^`/) });
      else expect({ name, shown }).toEqual({ name, shown: `\`${value}\`` });
    }
  });

  it('lists every variable once in .env.example, set to its default or left commented out when it has none', () => {
    const lines = [...ENV_EXAMPLE.matchAll(/^(# )?([A-Z0-9_]+)=(.*)$/gm)];
    expect(lines.map((m) => m[2]).sort()).toEqual(variables);
    for (const [, commented, name = '', value] of lines) {
      const expected = spelled(defaults[name]);
      if (expected === undefined) expect({ name, commented }).toEqual({ name, commented: '# ' });
      else expect({ name, commented, value }).toEqual({ name, commented: undefined, value: expected });
    }
  });
});
