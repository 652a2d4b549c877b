import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * A process that loads src/heap-flags.ts first, then allocates short-lived objects as a busy server
 * does, and prints the flags applied and the size its young generation reached. Each case runs in
 * a process of its own: V8 flags hold for the whole process.
 */
function run(nodeArgs: string[] = []): { applied: string[]; newSpaceMb: number } {
  const script = `
    const { applyHeapFlags } = await import('./src/heap-flags.ts');
    const v8 = await import('node:v8');
    let ring = new Array(5000).fill(null);
    for (let i = 0; i < 2e6; i++) ring[i % 5000] = { i, text: 'row ' + i, list: [i, i + 1] };
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(JSON.stringify({ applied: applyHeapFlags([], ''), newSpaceMb: space.space_size / 1048576 }));
  `;
  const result = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(result.stderr).not.toMatch(/unrecognized|Error/);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('heap flags', () => {
  it('keep the young generation at its starting size under a steady stream of garbage', () => {
    const { newSpaceMb } = run();
    expect(newSpaceMb).toBeLessThanOrEqual(8);
  }, 60_000);

  it('leave the young generation to a size given on the command line', () => {
    const { newSpaceMb } = run(['--max-semi-space-size=32']);
    expect(newSpaceMb).toBeGreaterThan(8);
  }, 60_000);

  it('set only the flags an operator did not give', () => {
    const script = `
      const { applyHeapFlags } = await import('./src/heap-flags.ts');
      console.log(JSON.stringify([
        applyHeapFlags(['--max-semi-space-size=8'], ''),
        applyHeapFlags([], '--heap_growing_percent=50'),
        applyHeapFlags([], ''),
      ]));
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(JSON.parse(result.stdout.trim())).toEqual([
      ['--heap-growing-percent=25'],
      ['--semi-space-growth-factor=1'],
      ['--semi-space-growth-factor=1', '--heap-growing-percent=25'],
    ]);
  }, 60_000);
});
