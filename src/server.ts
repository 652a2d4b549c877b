// First: the heap's growth is set before any other module allocates.
import './heap-flags.js';
import { seed } from '../seeds/index.js';
import { buildApp, createServices } from './app.js';
import { SchemaVersionError } from './db/schema-version.js';
import { openEngine } from './engine/open.js';
import { processConfig } from './env-file.js';
import { listenFailure, listeningLine } from './http/listen.js';
import { logFormat, loggerOptions, prettyLogStream } from './http/logging.js';
import { systemClock } from './shared/clock.js';

const SHUTDOWN_GRACE_MS = 10_000;

/** The only process code: configuration, database, app, listen, signals and exit codes. */
async function main() {
  // .env first, so that a bad file or variable is reported before anything is opened.
  const { config, envFile } = processConfig(process.env);

  const engine = await openEngine(config);
  let seeded: string[] = [];
  try {
    // Checked before migrating too: a newer database must not be touched by older migrations.
    await engine.assertSchemaNotNewer();
    if (config.MIGRATE_ON_START) await engine.migrate();
    await engine.assertSchemaCurrent();
  } catch (err) {
    if (err instanceof SchemaVersionError) {
      process.stderr.write(`fjord: ${err.message}\n`);
      await engine.close();
      process.exit(78);
    }
    throw err;
  }
  const services = createServices(engine, systemClock, config);
  // Of several nodes starting at once, one seeds and the others find its articles.
  if (config.MIGRATE_ON_START) seeded = await engine.exclusively(() => seed(services));

  const app = await buildApp({
    config,
    engine,
    services,
    logger: loggerOptions(
      config.LOG_LEVEL,
      logFormat(config.LOG_FORMAT, process.stdout.isTTY === true) === 'pretty'
        ? prettyLogStream(process.stdout.isTTY === true)
        : undefined,
    ),
    // A scheduled publication (and its webhooks) must not wait for a request: behind a CDN none may come.
    schedulePollMs: 1_000,
  });

  if (envFile) {
    app.log.info(
      { variables: envFile.applied, kept_from_environment: envFile.overridden },
      `read ${envFile.applied.length} variable${envFile.applied.length === 1 ? '' : 's'} from ${envFile.path}`,
    );
  }
  if (seeded.length > 0) app.log.info({ slugs: seeded }, 'seeded an empty database');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time');
      void engine.close().finally(() => process.exit(1));
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    await app.close();
    await engine.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.listen({ port: config.PORT, host: config.HOST, listenTextResolver: listeningLine });
  } catch (err) {
    const failure = listenFailure(err, config);
    if (!failure) throw err;
    process.stderr.write(`fjord: ${failure.line}\n`);
    await app.close();
    await engine.close();
    process.exit(failure.exitCode);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fjord: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
