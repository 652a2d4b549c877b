import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';

const config = loadConfig(process.env);
const database = openDatabase(config.DATABASE_PATH, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS });
runMigrations(database.db);
database.close();
process.stdout.write(`migrated ${config.DATABASE_PATH}\n`);
