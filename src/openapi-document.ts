import { buildApp } from './app.js';
import { defaultConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';

/** The OpenAPI document as YAML, generated from the routes of a throwaway in-memory app. */
export async function renderOpenApiYaml(): Promise<string> {
  const database = openDatabase(':memory:');
  runMigrations(database.db);
  const app = await buildApp({ config: defaultConfig(), db: database.db });
  try {
    await app.ready();
    return app.swagger({ yaml: true });
  } finally {
    await app.close();
    database.close();
  }
}
