import { Document, isScalar, visit } from 'yaml';
import { buildApp } from './app.js';
import { defaultConfig } from './config.js';
import { openSqliteEngine } from './engine/sqlite.js';

/** A collection this short fits on its line: `{ $ref: "#/components/headers/ETag" }`, `[ id, name ]`. */
const ONE_LINE = 100;

/**
 * The document as YAML: block style, with the short collections (references, one-keyword schemas)
 * and the lists of names (`required`, enums) written on one line, as a reader of the file would.
 */
export function toYaml(document: unknown): string {
  const yaml = new Document(document);
  const short = (node: { toJSON(): unknown; flow?: boolean }) => {
    if (JSON.stringify(node.toJSON()).length <= ONE_LINE) node.flow = true;
  };
  visit(yaml, {
    Map: (_, node) => short(node),
    // A list of names (`required`, an enum) reads as one line however long.
    Seq: (_, node) => {
      if (node.items.every(isScalar)) node.flow = true;
      else short(node);
    },
  });
  return yaml.toString({ lineWidth: 0 });
}

/** The OpenAPI document as YAML, generated from the routes of a throwaway in-memory app. */
export async function renderOpenApiYaml(): Promise<string> {
  const config = defaultConfig();
  const engine = openSqliteEngine(':memory:', { workBudgetMs: config.WORK_BUDGET_MS });
  await engine.migrate();
  const app = await buildApp({ config, engine });
  try {
    await app.ready();
    return toYaml(app.swagger());
  } finally {
    await app.close();
    await engine.close();
  }
}
