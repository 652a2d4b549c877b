import { Document, isMap, isScalar, visit, type YAMLMap } from 'yaml';
import { buildApp } from './app.js';
import { defaultConfig } from './config.js';
import { openSqliteEngine } from './engine/sqlite.js';

/** A collection this short fits on its line: `{ $ref: "#/components/headers/ETag" }`, `[ id, name ]`. */
const ONE_LINE = 120;

const mapAt = (node: unknown, key: string): YAMLMap | undefined => {
  const child = isMap(node) ? node.get(key, true) : undefined;
  return isMap(child) ? child : undefined;
};

/**
 * Writes each list of response headers that several responses share once, as a YAML anchor named
 * after the first response that carries it (`&createArticle-201-headers`, `&Write-headers` for the
 * shared error responses of a rate-limited write), and as an alias of it
 * everywhere else (`headers: *createArticle-201-headers`): a reader of the file sees which responses
 * carry the same headers, and every YAML parser reads the same document.
 */
function aliasSharedHeaders(yaml: Document) {
  const first = new Map<string, { node: YAMLMap; anchor: string }>();
  const named = new Set<string>();
  const share = (response: unknown, label: string, fallback = label) => {
    const headers = mapAt(response, 'headers');
    if (!headers || !isMap(response)) return;
    const key = JSON.stringify(headers.toJSON());
    if (key.length <= ONE_LINE) return;
    const seen = first.get(key);
    if (!seen) {
      const anchor = `${named.has(`${label}-headers`) ? fallback : label}-headers`;
      named.add(anchor);
      first.set(key, { node: headers, anchor });
      return;
    }
    seen.node.anchor = seen.anchor;
    response.set('headers', yaml.createAlias(seen.node, seen.anchor));
  };
  const components = mapAt(yaml.contents, 'components');
  // A shared error response's headers are named after what they go with: `OnWrite` → `Write-headers`.
  for (const pair of mapAt(components, 'responses')?.items ?? []) {
    const name = String(pair.key);
    share(pair.value, name.replace(/^\w+On(IdempotentWrite|Write)$/, '$1'), name);
  }
  for (const path of mapAt(yaml.contents, 'paths')?.items ?? []) {
    for (const { value: operation } of isMap(path.value) ? path.value.items : []) {
      const id = isMap(operation) ? String(operation.get('operationId')) : '';
      for (const status of mapAt(operation, 'responses')?.items ?? [])
        share(status.value, `${id}-${String(status.key)}`);
    }
  }
}

/**
 * The document as YAML: block style, with the short collections (references, one-keyword schemas)
 * and the lists of names (`required`, enums) written on one line, as a reader of the file would.
 */
export function toYaml(document: unknown): string {
  // Only the anchors named below: an object the document holds twice is written out twice.
  const yaml = new Document(document, { aliasDuplicateObjects: false });
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
  aliasSharedHeaders(yaml);
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
