import { buildApp } from './app.js';
import { defaultConfig } from './config.js';
import { openSqliteEngine } from './engine/sqlite.js';

/** The OpenAPI document as YAML, generated from the routes of a throwaway in-memory app. */
export async function renderOpenApiYaml(): Promise<string> {
  const config = defaultConfig();
  const engine = openSqliteEngine(':memory:', { workBudgetMs: config.WORK_BUDGET_MS });
  await engine.migrate();
  const app = await buildApp({ config, engine });
  try {
    await app.ready();
    return app.swagger({ yaml: true });
  } finally {
    await app.close();
    await engine.close();
  }
}
