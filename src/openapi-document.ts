import { Document, isMap, isScalar, visit, type YAMLMap } from 'yaml';
import { buildApp } from './app.js';
import { defaultConfig } from './config.js';
import { openSqliteEngine } from './engine/sqlite.js';

/** A collection this short fits on its line: `{ $ref: "#/components/headers/ETag" }`, `[ id, name ]`. */
const ONE_LINE = 120;

/**
 * A list of response headers is written once, as an anchor, when at least three responses carry it;
 * the most shared lists first, up to this many aliases in the whole file: SnakeYAML, which the Java
 * client generators read YAML with, refuses more than 50 by default.
 */
const MAX_ALIASES = 40;

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
  const uses = new Map<string, number>();
  const keyOf = (response: unknown) => {
    const headers = mapAt(response, 'headers');
    const key = headers && isMap(response) ? JSON.stringify(headers.toJSON()) : '';
    return key.length > ONE_LINE ? { headers: headers as YAMLMap, key } : undefined;
  };
  const count = (response: unknown) => {
    const found = keyOf(response);
    if (found) uses.set(found.key, (uses.get(found.key) ?? 0) + 1);
  };
  const share = (response: unknown, label: string, fallback = label) => {
    const found = keyOf(response);
    if (!found || !isMap(response) || !aliased.has(found.key)) return;
    const { headers, key } = found;
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
  const responses = (visitResponse: (response: unknown, label: string, fallback?: string) => void) => {
    // A shared error response's headers are named after what they go with: `OnWrite` → `Write-headers`.
    for (const pair of mapAt(components, 'responses')?.items ?? []) {
      const name = String(pair.key);
      visitResponse(pair.value, name.replace(/^\w+On(IdempotentWrite|Write)$/, '$1'), name);
    }
    for (const path of mapAt(yaml.contents, 'paths')?.items ?? []) {
      for (const { value: operation } of isMap(path.value) ? path.value.items : []) {
        const id = isMap(operation) ? String(operation.get('operationId')) : '';
        for (const status of mapAt(operation, 'responses')?.items ?? [])
          visitResponse(status.value, `${id}-${String(status.key)}`);
      }
    }
  };
  responses(count);
  const aliased = new Set<string>();
  let budget = MAX_ALIASES;
  for (const [key, n] of [...uses].sort(([, a], [, b]) => b - a)) {
    if (n < 3 || n - 1 > budget) continue;
    aliased.add(key);
    budget -= n - 1;
  }
  responses(share);
}

/**
 * The document as YAML: block style, with the short collections (references, one-keyword schemas)
 * and the lists of names (`required`, enums) written on one line, as a reader of the file would.
 */
export function toYaml(document: unknown): string {
  // Only the anchors named below: an object the document holds twice is written out twice.
  // YAML 1.1 rules for what to quote, so that parsers of either version read the same document: a
  // 1.1 parser (js-yaml, PyYAML, Go's yaml.v2) would read a bare `n` as false, a date as a timestamp.
  const yaml = new Document(document, { version: '1.1', aliasDuplicateObjects: false });
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
