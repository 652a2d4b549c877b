import { seedOnce } from '../seeds/index.js';
import { buildApp, createServices } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { assertSchemaCurrent, assertSchemaNotNewer, runMigrations, SchemaVersionError } from './db/migrate.js';
import { loggerOptions } from './http/logging.js';
import { systemClock } from './shared/clock.js';

const SHUTDOWN_GRACE_MS = 10_000;

/** The only process code: configuration, database, app, listen, signals and exit codes. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fjord: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }

  const database = openDatabase(config.DATABASE_PATH, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS });
  let seeded: string[] = [];
  try {
    // Checked before migrating too: a newer database must not be touched by older migrations.
    assertSchemaNotNewer(database.sqlite);
    if (config.MIGRATE_ON_START) runMigrations(database.db);
    assertSchemaCurrent(database.sqlite);
  } catch (err) {
    if (err instanceof SchemaVersionError) {
      process.stderr.write(`fjord: ${err.message}\n`);
      database.close();
      process.exit(78);
    }
    throw err;
  }
  const services = createServices(database.db, systemClock, config);
  if (config.MIGRATE_ON_START) seeded = await seedOnce(database.sqlite, services);

  const app = await buildApp({
    config,
    db: database.db,
    services,
    logger: loggerOptions(config.LOG_LEVEL),
  });

  if (seeded.length > 0) app.log.info({ slugs: seeded }, 'seeded an empty database');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time');
      database.close();
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    await app.close();
    database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err: unknown) => {
  process.stderr.write(`fjord: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
