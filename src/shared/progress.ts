/**
 * Progress of a long command (generate, backup, restore) on stderr, so stdout stays for results:
 * a bar redrawn in place on a terminal, and elsewhere (CI logs, pipes) a line per tenth of the
 * work, or every few seconds when a tenth takes long. Each shows the counts, the share and a rate:
 *
 *   generate: 12,000/50,000 articles (24%) 3,100/s
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** The command, first on each line. */
  label: string;
  /** What is counted: articles, pages. */
  unit: string;
  stream: ProgressStream;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
}

/** A terminal is redrawn at most this often; a log gets a line at least this often while work goes on. */
export const REDRAW_MS = 100;
export const LINE_MS = 5000;
export const BAR_WIDTH = 24;

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en');
}

/** The whole percent done, never 100 before the end; an empty task is done. */
export function percentDone(done: number, total: number): number {
  if (done >= total) return 100;
  return Math.min(99, Math.floor((done * 100) / total));
}

/** Items per second, or null before any time has passed. */
export function formatRate(done: number, elapsedMs: number): string | null {
  if (elapsedMs <= 0) return null;
  return `${formatCount((done * 1000) / elapsedMs)}/s`;
}

function counts(unit: string, done: number, total: number, elapsedMs: number): string {
  const rate = formatRate(done, elapsedMs);
  return `${formatCount(done)}/${formatCount(total)} ${unit} (${percentDone(done, total)}%)${rate ? ` ${rate}` : ''}`;
}

/** One line for a log: `backup: 300/1,200 pages (25%) 9,000/s`. */
export function progressLine(label: string, unit: string, done: number, total: number, elapsedMs: number): string {
  return `${label}: ${counts(unit, done, total, elapsedMs)}`;
}

/** `[######------]`, filled by the share done. */
export function progressBar(done: number, total: number, width: number = BAR_WIDTH): string {
  const share = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.floor(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** The bar's text on a terminal: back to the line start, the bar, and the rest of the line cleared. */
export function barLine(label: string, unit: string, done: number, total: number, elapsedMs: number): string {
  return `\r${label} ${progressBar(done, total)} ${counts(unit, done, total, elapsedMs)}\u001b[K`;
}

/**
 * An onProgress(done, total) callback that writes to the stream. The call with done >= total ends
 * the display (a last line, or the bar left on its own line); later calls write nothing.
 */
export function createProgress(options: ProgressOptions): (done: number, total: number) => void {
  const now = options.now ?? (() => performance.now());
  const { label, unit, stream } = options;
  const started = now();
  let lastWrite = Number.NEGATIVE_INFINITY;
  let lastTenth = 0;
  let ended = false;
  return (done, total) => {
    if (ended) return;
    const at = now();
    const end = done >= total;
    const elapsed = at - started;
    if (stream.isTTY) {
      if (!end && at - lastWrite < REDRAW_MS) return;
      stream.write(barLine(label, unit, done, total, elapsed) + (end ? '\n' : ''));
    } else {
      const tenth = Math.floor(percentDone(done, total) / 10);
      const due = tenth > lastTenth || at - lastWrite >= LINE_MS;
      if (!end && (done <= 0 || !due)) return;
      lastTenth = tenth;
      stream.write(`${progressLine(label, unit, done, total, elapsed)}\n`);
    }
    lastWrite = at;
    ended = end;
  };
}
