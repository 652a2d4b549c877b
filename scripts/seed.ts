import { seedOnce } from '../seeds/index.js';
import { createServices } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';

const config = loadConfig(process.env);
const database = openDatabase(config.DATABASE_PATH, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS });
runMigrations(database.db);
const slugs = await seedOnce(database.sqlite, createServices(database.db));
database.close();
process.stdout.write(
  slugs.length > 0 ? `seeded: ${slugs.join(', ')}\n` : 'the database already holds articles; nothing seeded\n',
);
