/**
 * Says each thing of the generated OpenAPI document once: a schema the zod transform emits twice
 * (as input and as output) when both are the same, and a problem response that many operations
 * answer alike, become one component that the operations refer to.
 */
import { isDeepStrictEqual } from 'node:util';
import { problemResponseName } from './problem.js';

type Json = Record<string, unknown>;
interface Document {
  paths?: Record<string, Record<string, { responses?: Record<string, Json> }>>;
  components?: { schemas?: Record<string, Json>; responses?: Record<string, Json> };
  webhooks?: Json;
}

const SCHEMA = '#/components/schemas/';

/** A copy of `value` with each `$ref` that `renames` names replaced. */
function renamed<T>(value: T, renames: Map<string, string>): T {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    key === '$ref' && typeof v === 'string' ? (renames.get(v) ?? v) : v,
  ) as T;
}

/** Calls `act` on every object of the document, parents before their members (which `act` may change). */
function eachObject(value: unknown, act: (node: Json) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) eachObject(item, act);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  act(value as Json);
  for (const child of Object.values(value as Json)) eachObject(child, act);
}

/** The schemas the operations and webhooks refer to, directly or through other schemas. */
function usedSchemas(document: Document): Set<string> {
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (value: unknown) => {
    for (const [, name] of JSON.stringify(value ?? null).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name)) {
        used.add(name);
        visit(schemas[name]);
      }
    }
  };
  visit([document.paths, document.webhooks]);
  return used;
}

/**
 * `ArticleStatusInput` and `ArticleStatus` are one component when reading and writing agree on
 * the shape (an enum always does): the output's name when responses use it, else the input's
 * (`CreateTagInput`). Repeated until nothing more merges: two inputs may be equal only once the
 * schemas they refer to are merged.
 */
export function withMergedInputs<D extends object>(document: D): D {
  let current = document as Document;
  for (;;) {
    const schemas = current.components?.schemas ?? {};
    const used = usedSchemas(current);
    const renames = new Map<string, string>();
    for (const [input, schema] of Object.entries(schemas)) {
      const output = input.endsWith('Input') ? input.slice(0, -'Input'.length) : undefined;
      if (output === undefined || !isDeepStrictEqual(schema, schemas[output])) continue;
      const [from, to] = used.has(output) ? [input, output] : [output, input];
      renames.set(`${SCHEMA}${from}`, `${SCHEMA}${to}`);
    }
    if (renames.size === 0) return current as D;
    const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => !renames.has(`${SCHEMA}${name}`)));
    current = renamed({ ...current, components: { ...current.components, schemas: kept } }, renames);
  }
}

/** `OnWrite` when the response carries the write rate limit's headers, `OnIdempotentWrite` when a replay's too. */
function variantOf(response: Json): string {
  const headers = Object.keys((response.headers as Json | undefined) ?? {});
  if (headers.includes('Idempotent-Replayed')) return 'OnIdempotentWrite';
  if (headers.includes('RateLimit-Limit')) return 'OnWrite';
  return '';
}

/**
 * Moves each response that many operations answer alike, an error (problem+json) or one without a
 * body (204, 301, 304), into `components/responses`, named by its status and the headers it carries
 * (`NotFound`, `NotFoundOnWrite`), and refers to it from every operation that answers it alike. A
 * response an operation declares otherwise (its own schema or description) stays with the
 * operation, so a route's own entry for a status still wins.
 */
export function withSharedResponses<D extends object>(document: D): D {
  const { paths = {}, components = {} } = document as Document;
  const shared: Record<string, Json> = {};
  const entries = Object.values(paths).flatMap((operations) =>
    Object.values(operations).flatMap((operation) =>
      Object.entries(operation.responses ?? {})
        .filter(([status, response]) => Number(status) >= 400 || !('content' in response))
        .map(([status, response]) => ({ responses: operation.responses as Record<string, Json>, status, response })),
    ),
  );
  // The component takes the form most operations give a status, whatever order the routes are in.
  const tally = new Map<string, { count: number; response: Json }>();
  for (const { status, response } of entries) {
    const key = JSON.stringify([problemResponseName(Number(status)) + variantOf(response), response]);
    const seen = tally.get(key) ?? { count: 0, response };
    tally.set(key, { count: seen.count + 1, response });
  }
  const best = new Map<string, { count: number; response: Json }>();
  for (const [key, entry] of tally) {
    const [name] = JSON.parse(key) as [string];
    const current = best.get(name);
    if (!current || entry.count > current.count) best.set(name, entry);
  }
  for (const { responses, status, response } of entries) {
    const name = problemResponseName(Number(status)) + variantOf(response);
    const chosen = best.get(name);
    if (chosen && isDeepStrictEqual(chosen.response, response)) {
      shared[name] = response;
      responses[status] = { $ref: `#/components/responses/${name}` };
    }
  }
  const ordered = Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b)));
  return { ...document, components: { ...components, responses: { ...components.responses, ...ordered } } };
}

type Parameter = Json & { name: string; in: string };

/** `idempotency-key` → `IdempotencyKey`. */
const pascal = (name: string) => name.replace(/(?:^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Moves each parameter that several operations declare alike (`limit`, `cursor`, `Idempotency-Key`)
 * into `components/parameters`, named after it; when operations declare one name differently,
 * the most common form takes the component and the others stay with their operations.
 */
export function withSharedParameters<D extends object>(document: D): D {
  const { paths = {}, components = {} } = document as Document & { components?: { parameters?: Json } };
  const lists = Object.values(paths).flatMap((operations) =>
    Object.values(operations).map((operation) => operation as { parameters?: (Parameter | Json)[] }),
  );
  const tally = new Map<string, number>();
  for (const { parameters = [] } of lists) {
    for (const parameter of parameters)
      tally.set(JSON.stringify(parameter), (tally.get(JSON.stringify(parameter)) ?? 0) + 1);
  }
  const chosen = new Map<string, { key: string; count: number }>();
  for (const [key, count] of tally) {
    const { name } = JSON.parse(key) as Parameter;
    const current = chosen.get(pascal(name));
    if (count > 1 && (!current || count > current.count)) chosen.set(pascal(name), { key, count });
  }
  const shared: Record<string, Json> = {};
  for (const list of lists) {
    list.parameters = list.parameters?.map((parameter) => {
      const name = pascal(String(parameter.name));
      if (chosen.get(name)?.key !== JSON.stringify(parameter)) return parameter;
      shared[name] = parameter;
      return { $ref: `#/components/parameters/${name}` };
    });
  }
  const ordered = Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b)));
  return { ...document, components: { ...components, parameters: { ...components.parameters, ...ordered } } };
}

/**
 * Drops what zod writes beside a fact the document states otherwise: the safe-integer bounds of
 * every unbounded integer (the document's description says once that all integers are safe), and
 * the regular expression zod checks a `uuid` or `date-time` format with (the format names it).
 */
export function withoutRestatedBounds<D extends object>(document: D): D {
  eachObject(document, (schema) => {
    if (schema.minimum === Number.MIN_SAFE_INTEGER && schema.maximum === Number.MAX_SAFE_INTEGER) {
      delete schema.minimum;
      delete schema.maximum;
    }
    if ((schema.format === 'uuid' || schema.format === 'date-time') && typeof schema.pattern === 'string') {
      delete schema.pattern;
    }
  });
  return document;
}

type ObjectSchema = Json & { type?: unknown; properties?: Json; required?: string[]; additionalProperties?: unknown };

/** An object schema that lets other members through: a part of it can be said by another schema. */
const isOpenObject = (schema: ObjectSchema) =>
  schema.type === 'object' &&
  schema.properties !== undefined &&
  (schema.additionalProperties === undefined || isDeepStrictEqual(schema.additionalProperties, {}));

/**
 * An open object schema that holds every member of another (`ValidationProblem` all of `Problem`'s)
 * is written as that one plus its own members, `allOf`. Open objects only: `allOf` with a closed
 * object would refuse the members the other part adds.
 */
export function withComposedSchemas<D extends object>(document: D): D {
  const schemas = ((document as Document).components?.schemas ?? {}) as Record<string, ObjectSchema>;
  const open = Object.entries(schemas).filter(([, schema]) => isOpenObject(schema));
  const holds = (outer: ObjectSchema, inner: ObjectSchema) =>
    Object.entries(inner.properties ?? {}).every(([name, property]) =>
      isDeepStrictEqual(outer.properties?.[name], property),
    ) && (inner.required ?? []).every((name) => outer.required?.includes(name));
  const rewritten: Record<string, ObjectSchema> = {};
  for (const [name, schema] of open) {
    const bases = open.filter(
      ([other, base]) =>
        other !== name &&
        Object.keys(base.properties ?? {}).length < Object.keys(schema.properties ?? {}).length &&
        holds(schema, base),
    );
    const [base] = bases.sort(
      ([, a], [, b]) => Object.keys(b.properties ?? {}).length - Object.keys(a.properties ?? {}).length,
    );
    if (!base) continue;
    const [baseName, baseSchema] = base;
    const { type, properties = {}, required = [], ...rest } = schema;
    // Both parts of the allOf are open, as the schema was.
    delete rest.additionalProperties;
    const own = Object.fromEntries(
      Object.entries(properties).filter(([key]) => !(key in (baseSchema.properties ?? {}))),
    );
    const ownRequired = required.filter((key) => !baseSchema.required?.includes(key));
    rewritten[name] = {
      allOf: [
        { $ref: `${SCHEMA}${baseName}` },
        { type, properties: own, ...(ownRequired.length > 0 ? { required: ownRequired } : {}) },
      ],
      ...rest,
    };
  }
  Object.assign(schemas, rewritten);
  return document;
}

/**
 * A schema that refers to a component (`$ref: Name` with `maxLength: 200` beside it) need not
 * repeat what the component already asserts: zod writes the component's type, patterns and
 * description again beside the reference. Only what is asserted by the component, or by the ones
 * it refers to, is dropped.
 */
export function withoutRestatedReferences<D extends object>(document: D): D {
  const schemas = (document as Document).components?.schemas ?? {};
  /** Each keyword and value a component asserts, through its `allOf` and its own reference. */
  const factsOf = (ref: string, seen = new Set<string>()): [string, unknown][] => {
    const target = ref.startsWith(SCHEMA) ? schemas[ref.slice(SCHEMA.length)] : undefined;
    if (!target || seen.has(ref)) return [];
    seen.add(ref);
    const { allOf, $ref, ...own } = target as Json & { allOf?: Json[]; $ref?: string };
    return [
      ...Object.entries(own),
      ...(allOf ?? []).flatMap((part) => Object.entries(part)),
      ...(typeof $ref === 'string' ? factsOf($ref, seen) : []),
    ];
  };
  const asserted = (facts: [string, unknown][], key: string, value: unknown) =>
    facts.some(([k, v]) => k === key && isDeepStrictEqual(v, value));
  eachObject(document, (schema) => {
    if (typeof schema.$ref === 'string' && Object.keys(schema).length > 1) {
      const facts = factsOf(schema.$ref);
      for (const [key, sibling] of Object.entries(schema)) {
        if (key === '$ref') continue;
        if (key === 'allOf' && Array.isArray(sibling)) {
          const left = (sibling as Json[]).filter(
            (part) => !Object.entries(part).every(([k, v]) => asserted(facts, k, v)),
          );
          if (left.length === 0) delete schema.allOf;
          else if (left.length === 1 && Object.keys(left[0] ?? {}).every((k) => !(k in schema))) {
            delete schema.allOf;
            Object.assign(schema, left[0]);
          } else schema.allOf = left;
        } else if (asserted(facts, key, sibling)) {
          delete schema[key];
        }
      }
    }
  });
  return document;
}

/**
 * @fastify/swagger keeps only the `$ref` of a route's schema that has other keywords beside it
 * (OpenAPI 3.0's rule), which would lose a parameter's description or a field's `maxLength`. Each
 * is wrapped as `allOf: [{ $ref }]` before it gets there, and unwrapped after by `withPlainReferences`.
 */
export function wrapReferences<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((item: unknown) => wrapReferences(item)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const wrapped: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) wrapped[key] = wrapReferences(value);
  const { $ref, ...rest } = wrapped;
  if ($ref === undefined || Object.keys(rest).length === 0) return wrapped as T;
  return { allOf: [{ $ref }], ...rest } as T;
}

/** OpenAPI 3.1 lets keywords stand beside a `$ref`: `allOf` with one reference is that reference. */
export function withPlainReferences<D extends object>(document: D): D {
  eachObject(document, (schema) => {
    const [only, ...others] = Array.isArray(schema.allOf) ? (schema.allOf as Json[]) : [];
    if (
      only &&
      others.length === 0 &&
      Object.keys(only).length === 1 &&
      typeof only.$ref === 'string' &&
      !('$ref' in schema)
    ) {
      delete schema.allOf;
      schema.$ref = only.$ref;
    }
  });
  return document;
}

/** A closed object schema: it refuses members it does not name. */
const isClosedObject = (schema: ObjectSchema) =>
  schema.type === 'object' && schema.properties !== undefined && schema.additionalProperties === false;

/** Below this many characters of shared members, a composition says more than it saves. */
const WORTH_SHARING = 300;

/**
 * A closed response schema that holds every member of another (`RevisionResult` all of
 * `EditorArticle`'s, alike and alike required) says them by referring to an open component of
 * those members (`EditorArticleFields`), as the other one then does too; each stays closed with
 * `unevaluatedProperties: false`, which (unlike `additionalProperties`) sees the members the
 * referred part names. Inputs are left whole: a request body reads plainest as one object.
 */
export function withClosedComposition<D extends object>(document: D): D {
  const schemas = ((document as Document).components?.schemas ?? {}) as Record<string, ObjectSchema>;
  const closed = Object.entries(schemas).filter(([name, schema]) => !name.endsWith('Input') && isClosedObject(schema));
  const keys = (schema: ObjectSchema) => Object.keys(schema.properties ?? {});
  const isRequired = (schema: ObjectSchema, key: string) => schema.required?.includes(key) ?? false;
  const holds = (outer: ObjectSchema, inner: ObjectSchema) =>
    keys(inner).every(
      (key) =>
        isDeepStrictEqual(outer.properties?.[key], inner.properties?.[key]) &&
        isRequired(outer, key) === isRequired(inner, key),
    );
  const pairs = closed.flatMap(([name, schema]) =>
    closed
      .filter(([other, base]) => other !== name && keys(base).length < keys(schema).length && holds(schema, base))
      .map(([base]) => ({ name, base, saves: JSON.stringify(schemas[base]?.properties).length }))
      .filter(({ saves }) => saves >= WORTH_SHARING),
  );
  // The largest shares first; a schema is either composed or a base, so no chain of parts forms.
  const composed = new Map<string, string>();
  const bases = new Set<string>();
  for (const { name, base } of pairs.sort((a, b) => b.saves - a.saves)) {
    if (composed.has(name) || bases.has(name) || composed.has(base)) continue;
    if (schemas[`${base}Fields`] !== undefined) continue;
    composed.set(name, base);
    bases.add(base);
  }
  const fieldsOf = (base: string) => `${SCHEMA}${base}Fields`;
  for (const base of bases) {
    const { type, properties, required, ...rest } = schemas[base] as ObjectSchema;
    // Closed by `unevaluatedProperties` instead, which sees the members the referred part names.
    delete rest.additionalProperties;
    schemas[`${base}Fields`] = { type, properties, ...(required ? { required } : {}) };
    schemas[base] = { allOf: [{ $ref: fieldsOf(base) }], ...rest, unevaluatedProperties: false };
  }
  for (const [name, base] of composed) {
    const { type, properties = {}, required = [], ...rest } = schemas[name] as ObjectSchema;
    delete rest.additionalProperties;
    const shared = keys(schemas[`${base}Fields`] as ObjectSchema);
    const ownRequired = required.filter((key) => !shared.includes(key));
    schemas[name] = {
      allOf: [{ $ref: fieldsOf(base) }],
      ...rest,
      type,
      properties: Object.fromEntries(Object.entries(properties).filter(([key]) => !shared.includes(key))),
      ...(ownRequired.length > 0 ? { required: ownRequired } : {}),
      unevaluatedProperties: false,
    };
  }
  // Each part of members is written just before the schema it was taken from.
  const ordered = Object.entries(schemas).flatMap(([name, schema]) =>
    name.endsWith('Fields') && bases.has(name.slice(0, -'Fields'.length))
      ? []
      : bases.has(name)
        ? [[`${name}Fields`, schemas[`${name}Fields`]] as const, [name, schema] as const]
        : [[name, schema] as const],
  );
  for (const name of Object.keys(schemas)) delete schemas[name];
  Object.assign(schemas, Object.fromEntries(ordered));
  return document;
}
