import { setFlagsFromString } from 'node:v8';

/**
 * How the server's V8 heap grows, set before any other module loads: the image, `npm start` and
 * the benchmark each start node their own way, and this module is what all of them run first.
 *
 * V8 sizes the heap of a busy process for speed alone. Under a write load its young generation
 * doubled up to 2 × 16 MB, and its old generation grew to four times what the last full collection
 * kept: a server whose live objects take 30 MB held 125 MB of heap, most of it garbage. Both flags
 * below are read at every collection, so setting them once the process runs takes effect (the
 * sizes, such as --max-semi-space-size, are read once, when the heap is made, and would have to be
 * on every command line that starts the server).
 */
export const HEAP_FLAGS: readonly { flag: string; unless: readonly string[] }[] = [
  // The young generation keeps the size it starts with (2 × 1 MB) instead of doubling under load.
  {
    flag: '--semi-space-growth-factor=1',
    unless: ['semi-space-growth-factor', 'max-semi-space-size', 'min-semi-space-size'],
  },
  // The old generation may grow by a quarter over what survived the last full collection.
  { flag: '--heap-growing-percent=25', unless: ['heap-growing-percent'] },
];

/**
 * Sets HEAP_FLAGS, but none that an operator's own flags (on the command line or in NODE_OPTIONS)
 * already decide; returns those set.
 */
export function applyHeapFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): string[] {
  // V8 spells a flag with - or _ alike.
  const given = `${execArgv.join(' ')} ${nodeOptions}`.replaceAll('_', '-');
  const applied: string[] = [];
  for (const { flag, unless } of HEAP_FLAGS) {
    if (unless.some((name) => given.includes(`--${name}`))) continue;
    setFlagsFromString(flag);
    applied.push(flag);
  }
  return applied;
}

applyHeapFlags();
