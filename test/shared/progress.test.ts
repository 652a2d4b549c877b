import { describe, expect, it } from 'vitest';
import {
  barLine,
  createProgress,
  formatCount,
  formatRate,
  percentDone,
  progressBar,
  progressLine,
} from '../../src/shared/progress.js';

describe('progress text', () => {
  it('writes counts with thousands separators, rounded', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(12_000)).toBe('12,000');
    expect(formatCount(1_234_567.6)).toBe('1,234,568');
  });

  it('gives the whole percent done, 100 only at the end, and 100 for an empty task', () => {
    expect(percentDone(0, 50_000)).toBe(0);
    expect(percentDone(12_000, 50_000)).toBe(24);
    expect(percentDone(1, 3)).toBe(33);
    expect(percentDone(2, 3)).toBe(66);
    expect(percentDone(49_999, 50_000)).toBe(99);
    expect(percentDone(50_000, 50_000)).toBe(100);
    expect(percentDone(60_000, 50_000)).toBe(100);
    expect(percentDone(0, 0)).toBe(100);
  });

  it('gives a rate per second once time has passed', () => {
    expect(formatRate(12_000, 4000)).toBe('3,000/s');
    expect(formatRate(5, 2000)).toBe('3/s');
    expect(formatRate(0, 1000)).toBe('0/s');
    expect(formatRate(10, 0)).toBeNull();
    expect(formatRate(10, -1)).toBeNull();
  });

  it('writes a log line with the command, counts, share and rate', () => {
    expect(progressLine('generate', 'articles', 12_000, 50_000, 3871)).toBe(
      'generate: 12,000/50,000 articles (24%) 3,100/s',
    );
    expect(progressLine('backup', 'pages', 10, 20, 0)).toBe('backup: 10/20 pages (50%)');
  });

  it('fills the bar by the share done', () => {
    expect(progressBar(0, 10, 4)).toBe('[----]');
    expect(progressBar(5, 10, 4)).toBe('[##--]');
    expect(progressBar(9, 10, 4)).toBe('[###-]');
    expect(progressBar(10, 10, 4)).toBe('[####]');
    expect(progressBar(20, 10, 4)).toBe('[####]');
    expect(progressBar(-1, 10, 4)).toBe('[----]');
    expect(progressBar(0, 0, 4)).toBe('[####]');
    expect(progressBar(12, 48)).toBe(`[${'#'.repeat(6)}${'-'.repeat(18)}]`);
  });

  it('redraws the bar from the start of the line and clears what was longer', () => {
    expect(barLine('restore', 'pages', 300, 1200, 1000)).toBe(
      `\rrestore [${'#'.repeat(6)}${'-'.repeat(18)}] 300/1,200 pages (25%) 300/s\u001b[K`,
    );
  });
});

/** A stream and a clock the test moves by hand. */
function harness(isTTY: boolean) {
  const writes: string[] = [];
  let clock = 1000;
  const stream = { isTTY, write: (text: string) => writes.push(text) };
  const report = createProgress({ label: 'generate', unit: 'articles', stream, now: () => clock });
  return {
    writes,
    report,
    at: (ms: number) => {
      clock = 1000 + ms;
    },
  };
}

describe('createProgress on a log', () => {
  it('writes a line at the first progress, each new tenth and the end, and nothing twice', () => {
    const { writes, report, at } = harness(false);
    at(0);
    report(0, 1000);
    at(100);
    report(50, 1000);
    at(200);
    report(90, 1000);
    at(300);
    report(100, 1000);
    at(400);
    report(150, 1000);
    at(500);
    report(350, 1000);
    at(1000);
    report(1000, 1000);
    report(1000, 1000);
    expect(writes).toEqual([
      'generate: 50/1,000 articles (5%) 500/s\n',
      'generate: 100/1,000 articles (10%) 333/s\n',
      'generate: 350/1,000 articles (35%) 700/s\n',
      'generate: 1,000/1,000 articles (100%) 1,000/s\n',
    ]);
  });

  it('writes a line every 5 s while a tenth takes long', () => {
    const { writes, report, at } = harness(false);
    at(1000);
    report(1, 1000);
    at(5999);
    report(2, 1000);
    at(6000);
    report(3, 1000);
    at(10_999);
    report(4, 1000);
    at(11_000);
    report(5, 1000);
    expect(writes).toEqual([
      'generate: 1/1,000 articles (0%) 1/s\n',
      'generate: 3/1,000 articles (0%) 1/s\n',
      'generate: 5/1,000 articles (0%) 0/s\n',
    ]);
  });

  it('writes the end of an empty task', () => {
    const { writes, report } = harness(false);
    report(0, 0);
    expect(writes).toEqual(['generate: 0/0 articles (100%)\n']);
  });
});

describe('createProgress on a terminal', () => {
  it('redraws at most every 100 ms, always at the end, then leaves the bar on its line', () => {
    const { writes, report, at } = harness(true);
    at(0);
    report(0, 100);
    at(99);
    report(10, 100);
    at(100);
    report(20, 100);
    at(150);
    report(100, 100);
    at(400);
    report(100, 100);
    expect(writes).toEqual([
      `\rgenerate [${'-'.repeat(24)}] 0/100 articles (0%)\u001b[K`,
      `\rgenerate [${'#'.repeat(4)}${'-'.repeat(20)}] 20/100 articles (20%) 200/s\u001b[K`,
      `\rgenerate [${'#'.repeat(24)}] 100/100 articles (100%) 667/s\u001b[K\n`,
    ]);
  });

  it('reads the clock of performance.now when given none', () => {
    const writes: string[] = [];
    const report = createProgress({ label: 'backup', unit: 'pages', stream: { write: (t: string) => writes.push(t) } });
    report(3, 3);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^backup: 3\/3 pages \(100%\)( [\d,]+\/s)?\n$/);
  });
});
