import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAlias, parse, parseDocument, visit } from 'yaml';
import { impliedStatuses } from '../src/http/implied-responses.js';
import { renderOpenApiYaml } from '../src/openapi-document.js';

type Json = Record<string, unknown>;
type Response = { description?: string; content?: Record<string, { schema: Json }>; headers?: Json };
type Operation = Json & {
  operationId: string;
  'x-access': string;
  parameters?: Json[];
  responses: Record<string, Response & { $ref?: string }>;
  security?: unknown;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Json>;
    responses: Record<string, Response>;
    parameters: Record<string, Json & { in: string; name: string }>;
  };
} & Json;

const committed = readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8');
const document = parse(committed) as Document;
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op, where: `${method.toUpperCase()} ${path}` })),
);

/** What a `#/...` reference points at, or undefined. */
function target(ref: string): unknown {
  let node: unknown = document;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

const resolved = <T>(value: unknown): T =>
  (value !== null && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string'
    ? target(value.$ref)
    : value) as T;

/** Every value of the document, depth first, with where it is. */
function* nodes(value: unknown, at = '#'): Generator<[string, Json]> {
  if (value === null || typeof value !== 'object') return;
  if (!Array.isArray(value)) yield [at, value as Json];
  for (const [key, child] of Object.entries(value)) yield* nodes(child, `${at}/${key}`);
}

/** The schema names a problem schema is made of: itself, and what its allOf refers to. */
const problemFamily = (schema: Json): string[] => {
  const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
  if (!ref) return [];
  const found = resolved<Json>(schema);
  const parts = (found.allOf as Json[] | undefined) ?? [];
  return [ref.replace('#/components/schemas/', ''), ...parts.flatMap(problemFamily)];
};

/** The members an object schema names, its own and those of the parts its allOf refers to. */
function membersOf(schema: Json): { properties: Record<string, Json>; required: string[] } {
  const parts = ((schema.allOf as Json[] | undefined) ?? []).map((part) => membersOf(resolved<Json>(part)));
  return {
    properties: Object.assign({}, ...parts.map((part) => part.properties), schema.properties),
    required: [...parts.flatMap((part) => part.required), ...((schema.required as string[] | undefined) ?? [])],
  };
}

describe('openapi.yaml', () => {
  it('is what the routes generate (run `npm run openapi` after changing a route)', async () => {
    expect(await renderOpenApiYaml()).toBe(committed);
  });

  it('stays under 160 KB', () => {
    expect(Buffer.byteLength(committed)).toBeLessThan(160 * 1024);
  });

  it('reads the same to a YAML 1.1 parser as to a YAML 1.2 one', () => {
    // js-yaml, PyYAML and Go's yaml.v2 follow 1.1, where a bare `n` is false and a date a timestamp.
    expect(parse(committed, { version: '1.1' })).toEqual(document);
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('holds fewer aliases than SnakeYAML, under the Java generators, accepts by default (50)', () => {
    let aliases = 0;
    visit(parseDocument(committed), {
      Alias: (_, node) => {
        if (isAlias(node)) aliases++;
      },
    });
    expect(aliases).toBeGreaterThan(0);
    expect(aliases).toBeLessThanOrEqual(40);
  });

  it('refers only to what it defines', () => {
    const refs = [...nodes(document)].flatMap(([at, node]) =>
      typeof node.$ref === 'string' ? [{ at, ref: node.$ref }] : [],
    );
    expect(refs.length).toBeGreaterThan(300);
    for (const { at, ref } of refs) expect(target(ref), `${at} -> ${ref}`).toBeDefined();
  });

  it('keeps no component nothing refers to', () => {
    const refs = new Set(
      [...nodes(document)].flatMap(([, node]) => (typeof node.$ref === 'string' ? [node.$ref] : [])),
    );
    for (const [kind, components] of Object.entries(document.components)) {
      if (kind === 'securitySchemes') continue;
      for (const name of Object.keys(components)) {
        expect(refs.has(`#/components/${kind}/${name}`), `#/components/${kind}/${name}`).toBe(true);
      }
    }
  });

  it('spells out each enum once, as a component', () => {
    const enums = [...nodes(document)].flatMap(([at, node]) =>
      Array.isArray(node.enum) && node.enum.length > 1 ? [{ at, values: JSON.stringify(node.enum) }] : [],
    );
    expect(enums.map(({ at }) => at)).toEqual(
      expect.arrayContaining([
        '#/components/schemas/ArticleStatus',
        '#/components/schemas/CommentStatus',
        '#/components/schemas/Role',
        '#/components/schemas/ProblemCode',
        '#/components/schemas/EventSubscription',
      ]),
    );
    const seen = new Map<string, string>();
    for (const { at, values } of enums) {
      expect(seen.get(values), `${at} repeats ${seen.get(values)}`).toBeUndefined();
      seen.set(values, at);
    }
  });

  it('gives every operation an operationId, a summary and tags', () => {
    expect(operations.length).toBeGreaterThan(5);
    const ids = new Set<string>();
    for (const { where, op } of operations) {
      expect(op.operationId, where).toEqual(expect.any(String));
      expect(ids.has(op.operationId), `${where} repeats an operationId`).toBe(false);
      ids.add(op.operationId);
      expect(op.summary, where).toEqual(expect.any(String));
      expect(op.tags, where).toEqual([expect.any(String)]);
    }
  });

  it('declares on every operation the problem responses its route can answer before its handler runs', () => {
    for (const { where, path, method, op } of operations) {
      const parameters = (op.parameters ?? []).map((p) => resolved<Json & { in: string; name: string }>(p));
      const statuses = impliedStatuses({
        method: method.toUpperCase(),
        config: {
          access: op['x-access'] as 'public',
          idempotent: parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key'),
        },
        schema: parameters.some((p) => p.in === 'path') ? { params: {} } : {},
      });
      const declared = Object.keys(op.responses);
      expect(declared, where).toEqual(expect.arrayContaining([...statuses, 500].map(String)));
      for (const status of declared.filter((s) => Number(s) >= 400)) {
        const response = resolved<Response>(op.responses[status]);
        const schema = response.content?.['application/problem+json']?.schema;
        expect(schema, `${where} ${status}`).toBeDefined();
        // Every problem body is a Problem, or a schema made of one.
        expect(problemFamily(schema as Json), `${where} ${status}`).toContain('Problem');
      }
      if (path === '/healthz') continue;
      if ((op.parameters ?? []).length > 0) expect(declared, where).toContain('400');
    }
  });

  it('shares each problem response, and lets a route declare its own for a status', () => {
    const shared = document.components.responses;
    expect(shared.NotFound?.content?.['application/problem+json']?.schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(shared.BadRequestOnWrite?.content?.['application/problem+json']?.schema).toEqual({
      $ref: '#/components/schemas/ValidationProblem',
    });
    expect(shared.BadRequest?.description).toBe(
      'Bad request or validation failed (`bad_request`, `validation_failed`)',
    );
    const refs = operations.flatMap(({ op }) => Object.values(op.responses).filter((r) => r.$ref));
    expect(refs.length).toBeGreaterThan(200);
    // GET /healthz answers its own 503 body, not the shared one.
    const health = document.paths['/healthz']?.get?.responses['503'];
    expect(health?.$ref).toBeUndefined();
    expect(health?.content?.['application/problem+json']?.schema).toEqual({
      $ref: '#/components/schemas/HealthUnavailable',
    });
  });

  it('documents the members each problem adds', () => {
    const own = (name: string) => {
      const parts = (document.components.schemas[name]?.allOf ?? []) as Json[];
      return Object.keys((parts[1]?.properties as Json | undefined) ?? {});
    };
    expect(own('ValidationProblem')).toEqual(['errors']);
    expect(own('ConflictProblem')).toEqual(['slug']);
    expect(own('PreconditionFailedProblem')).toEqual(['current_revision']);
    expect(own('UnprocessableProblem')).toEqual(['revision', 'reason']);
    expect(own('HealthUnavailable')).toEqual(['engine', 'database']);
  });

  it('is served from a relative server, with one parameter name per URL template', () => {
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const templates = Object.keys(document.paths).map((path) => path.replace(/\{\w+\}/g, '{}'));
    expect(new Set(templates).size).toBe(templates.length);
  });

  it('shows no padlock on a public operation, and asks a token of every other', () => {
    const publicOnes = operations.filter(({ op }) => op['x-access'] === 'public').map(({ where }) => where);
    expect(publicOnes).toEqual(
      expect.arrayContaining(['GET /v1/articles', 'GET /v1/articles/{article}', 'GET /healthz']),
    );
    for (const { where, op } of operations) {
      expect(op.security, where).toEqual(op['x-access'] === 'public' ? [] : [{ bearerAuth: [] }]);
    }
  });

  it('names the request id on every response', () => {
    for (const { where, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(resolved<Response>(response).headers, `${where} ${status}`).toHaveProperty(['X-Request-Id']);
      }
    }
  });

  it('tells the public and the editor view of an article, and of a list, apart by `view`', () => {
    const answer = (path: string) =>
      document.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema as Json;
    for (const [path, publicView, editorView] of [
      ['/v1/articles/{article}', 'Article', 'EditorArticle'],
      ['/v1/articles', 'ArticlePage', 'EditorArticlePage'],
    ] as const) {
      const [publicRef, editorRef] = [`#/components/schemas/${publicView}`, `#/components/schemas/${editorView}`];
      expect(answer(path), path).toEqual({
        oneOf: [{ $ref: publicRef }, { $ref: editorRef }],
        discriminator: { propertyName: 'view', mapping: { public: publicRef, editor: editorRef } },
      });
      for (const [name, view] of [
        [publicView, 'public'],
        [editorView, 'editor'],
      ] as const) {
        const schema = membersOf(document.components.schemas[name] as Json);
        expect(schema.properties.view, name).toMatchObject({ type: 'string', const: view });
        expect(schema.required, name).toContain('view');
      }
    }
  });

  it('offers no choice of answers that a client cannot tell apart', () => {
    for (const [at, node] of nodes(document.paths)) {
      const choices = (node.oneOf ?? node.anyOf) as Json[] | undefined;
      if (!choices || !choices.every((choice) => typeof choice.$ref === 'string')) continue;
      expect(node, at).toHaveProperty('oneOf');
      expect(node, at).toHaveProperty(['discriminator', 'propertyName']);
    }
  });

  it('describes the calls to webhooks once per family, on a shared envelope', () => {
    for (const [name, item] of Object.entries(document.webhooks)) {
      const op = item.post as Operation & { requestBody: { content: Record<string, { schema: Json }> } };
      const schema = resolved<Json>(op.requestBody.content['application/json']?.schema);
      expect(schema.allOf, name).toEqual([{ $ref: '#/components/schemas/WebhookEvent' }, expect.any(Object)]);
      expect((op.parameters ?? []).map((p) => resolved<Json>(p).name)).toEqual([
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
      ]);
    }
  });
});
