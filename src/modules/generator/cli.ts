import { parseArgs } from 'node:util';
import { DatabaseNotEmptyError, type DemoSeed, describeDatabase, generate } from './generate.js';

export interface Output {
  stdout: { write: (text: string) => unknown };
  stderr: { write: (text: string) => unknown; isTTY?: boolean };
}

export const GENERATE_USAGE = `Usage: fjord generate [--articles N] [--comments N] [--seed N] [--database PATH|URL]

Fills a new database with generated French-like articles (several revisions each, tags, credits,
search index) and threaded comments in every status. The same seed gives the same content, on
SQLite and on PostgreSQL.

  --articles N     articles to generate (default 1000)
  --comments N     comments, shared over the published articles (default 10 per article)
  --seed N         seed of the generator (default 1)
  --database PATH|URL
                   a SQLite file, or a postgres:// URL (default DATABASE_URL, else
                   DATABASE_PATH, else ./data/fjord.db)
`;

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.replaceAll('_', ''))) throw new UsageError(`--${name} must be a whole number`);
  return Number(value.replaceAll('_', ''));
}

class UsageError extends Error {}

/** A progress bar redrawn in place on a terminal; a line per tenth of the work elsewhere (CI logs). */
function progressReporter(stderr: Output['stderr'], started: number) {
  let lastTenth = -1;
  return (done: number, total: number) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (stderr.isTTY) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      stderr.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} articles ${seconds}s`,
      );
      if (done === total) stderr.write('\n');
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      stderr.write(`generated ${done}/${total} articles in ${seconds}s\n`);
    }
  };
}

/**
 * `fjord generate`: returns the exit code (0 done, 1 failed, 2 bad arguments). `seedDemo` puts the
 * demo content in first (the caller builds it on the app's services).
 */
export async function runGenerate(
  argv: string[],
  env: Record<string, string | undefined>,
  out: Output,
  seedDemo: DemoSeed,
): Promise<number> {
  let options: { articles: number; comments: number; seed: number; database: string };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        articles: { type: 'string' },
        comments: { type: 'string' },
        seed: { type: 'string' },
        database: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      out.stdout.write(GENERATE_USAGE);
      return 0;
    }
    const articles = wholeNumber(values.articles, 'articles', 1000);
    options = {
      articles,
      comments: wholeNumber(values.comments, 'comments', articles * 10),
      seed: wholeNumber(values.seed, 'seed', 1),
      // Like the rest of the CLI: DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH (SQLite).
      database: values.database ?? (env.DATABASE_URL || undefined) ?? env.DATABASE_PATH ?? './data/fjord.db',
    };
    if (options.database === ':memory:') throw new UsageError('--database must be a file');
  } catch (err) {
    out.stderr.write(`fjord generate: ${err instanceof Error ? err.message : String(err)}\n\n${GENERATE_USAGE}`);
    return 2;
  }

  const started = performance.now();
  try {
    const result = await generate({ ...options, onProgress: progressReporter(out.stderr, started) }, seedDemo);
    out.stdout.write(
      `generated ${result.articles} articles (${result.published} published) and ${result.comments} comments ` +
        `in ${(result.ms / 1000).toFixed(1)} s into ${describeDatabase(options.database)}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof DatabaseNotEmptyError) {
      out.stderr.write(`fjord generate: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
