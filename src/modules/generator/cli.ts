import { Command } from 'commander';
import { type CliIo, prepare, run, UsageError } from '../../command-line.js';
import { createProgress } from '../../shared/progress.js';
import type { DemoSeed } from './generate.js';

export type Output = Pick<CliIo, 'stdout' | 'stderr'>;

const ABOUT = `
Fills a new database with generated French-like articles (several revisions each, tags, credits,
search index) and threaded comments in every status. The same seed gives the same content, on
SQLite and on PostgreSQL. Progress goes to stderr: a bar on a terminal, a line per tenth elsewhere.
A new SQLite file appears only once it is complete: a run that fails or is stopped leaves none.
`;

/**
 * The most each flag takes. The generator holds a flag and a slug per article in memory (a few
 * hundred bytes each), and a comment count per article in 32 bits; the seed is read as 32 bits.
 */
export const LIMITS = { articles: 1_000_000, comments: 100_000_000, seed: 4_294_967_295 } as const;

const grouped = (n: number) => n.toLocaleString('en-US').replaceAll(',', '_');

function wholeNumber(value: string | undefined, name: keyof typeof LIMITS, fallback: number, command: Command): number {
  if (value === undefined) return fallback;
  const digits = value.replaceAll('_', '');
  const range = `0 to ${grouped(LIMITS[name])}`;
  if (!/^\d+$/.test(digits)) {
    throw new UsageError(`--${name} must be a whole number from ${range}, not "${value}"`, command);
  }
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n > LIMITS[name]) {
    throw new UsageError(`--${name} must be from ${range}, not ${value}`, command);
  }
  return n;
}

interface GenerateFlags {
  articles?: string;
  comments?: string;
  seed?: string;
  database?: string;
  quiet?: boolean;
}

/**
 * `fjord generate`. `seedDemo` puts the demo content in first (the caller builds it on the app's
 * services). A database that already holds content is refused (exit 1).
 */
export function generateCommand(env: CliIo['env'], out: Output, seedDemo: DemoSeed): Command {
  return new Command('generate')
    .description('fill a new database with generated content')
    .option('--articles <n>', `articles to generate, at most ${grouped(LIMITS.articles)} (default 1000)`)
    .option(
      '--comments <n>',
      `comments, shared over the published articles, at most ${grouped(LIMITS.comments)} (default 10 per article)`,
    )
    .option('--seed <n>', `seed of the generator, 0 to ${grouped(LIMITS.seed)} (default 1)`)
    .option(
      '--database <path|url>',
      'a SQLite file, or a postgres:// URL (default DATABASE_URL, else DATABASE_PATH, else ./data/fjord.db)',
    )
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', ABOUT)
    .action(async (flags: GenerateFlags, command: Command) => {
      const articles = wholeNumber(flags.articles, 'articles', 1000, command);
      const options = {
        articles,
        comments: wholeNumber(flags.comments, 'comments', articles * 10, command),
        seed: wholeNumber(flags.seed, 'seed', 1, command),
        // Like the rest of the CLI: DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH (SQLite).
        database: flags.database ?? (env.DATABASE_URL || undefined) ?? env.DATABASE_PATH ?? './data/fjord.db',
      };
      if (options.database === ':memory:') throw new UsageError('--database must be a file', command);
      const onProgress = flags.quiet
        ? undefined
        : createProgress({ label: 'generate', unit: 'articles', stream: out.stderr });
      // The generator (its vocabulary, text and both engines' writers) is loaded by this command only:
      // every other `fjord` command starts without it.
      const { describeDatabase, generate } = await import('./generate.js');
      const result = await generate({ ...options, onProgress }, seedDemo);
      out.stdout.write(
        `generated ${result.articles} articles (${result.published} published) and ${result.comments} comments ` +
          `in ${(result.ms / 1000).toFixed(1)} s into ${describeDatabase(options.database)}\n`,
      );
    });
}

/** `fjord generate` on its own: returns the exit code (0 done, 1 failed, 64 wrong usage). */
export function runGenerate(argv: string[], env: CliIo['env'], out: Output, seedDemo: DemoSeed): Promise<number> {
  const program = new Command('fjord').addCommand(generateCommand(env, out, seedDemo));
  return run(prepare(program, { env, ...out }), ['generate', ...argv], { env, ...out });
}
