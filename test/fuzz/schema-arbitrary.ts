/**
 * Values for a JSON Schema of the OpenAPI document: mostly valid, so requests get past validation
 * and reach the services, with hostile text inside valid strings, and now and then a node of the
 * wrong type, a missing required field or an extra one.
 */
import fc from 'fast-check';
import {
  HOSTILE_STRINGS,
  hostileJson,
  hostileString,
  loneSurrogateText,
  spoofingUrl,
  unicodeTrickText,
} from './hostile.js';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  examples?: unknown[];
}

export interface SchemaContext {
  /** Resolves `#/components/schemas/X`. */
  components: Record<string, JsonSchema>;
  /** Real slugs and names from the seeded database, so valid values also name existing things. */
  slugs: string[];
  /** The moment the test clock starts at, so generated times fall before and after it. */
  now: number;
}

/** In a mutated value, one node in this many is replaced by a value of any type. */
const MUTATION_ODDS = 20;

/** A value now and then: `odds` to one that it is left out. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, odds = 10) =>
  fc.oneof({ weight: odds, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

const words = fc.constantFrom(
  'Norvège',
  'souveraineté',
  'data center',
  'OpenAI',
  'Stargate',
  'hello world',
  'Ben Wicks',
  'Unsplash',
  'Techcrunch',
);

function fit(text: string, schema: JsonSchema): string {
  const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
  const min = schema.minLength ?? 0;
  const cut = text.length > max ? text.slice(0, max) : text;
  return cut.length < min ? cut + 'x'.repeat(min - cut.length) : cut;
}

function stringFor(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<string> {
  const slug = fc.oneof(
    fc.constantFrom(...ctx.slugs),
    fc.stringMatching(/^[a-z0-9]{1,10}(?:-[a-z0-9]{1,6}){0,3}$/),
    fc.constantFrom('a', 'a-b', 'x'.repeat(200)),
  );
  if (schema.pattern?.includes('[a-z0-9]+(?:-[a-z0-9]+)*')) return slug;
  if (schema.pattern?.startsWith('^[A-Za-z]{2,3}')) {
    return fc.constantFrom('fr', 'en', 'pt-BR', 'zh-Hant-TW', 'EN', 'fra', 'de-1996');
  }
  if (schema.pattern?.includes('\\x21-\\x7e')) return fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
  switch (schema.format) {
    case 'uri':
      return fc.oneof(
        fc.webUrl({ validSchemes: ['http', 'https'] }),
        fc.constantFrom('https://unsplash.com/@benwicks', 'http://a', 'javascript:alert(1)', 'ftp://x', 'https://'),
        spoofingUrl,
        loneSurrogateText.map((text) => `https://example.org/${text}`),
      );
    case 'email':
      return fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 1, max: 500 }).map((n) => `reader${n}@example.org`) },
        { weight: 1, arbitrary: fc.emailAddress() },
        { weight: 1, arbitrary: fc.constantFrom('A@Example.COM', 'x@y', '@', 'a@b.c', 'ünï@exämple.org') },
      );
    case 'date-time': {
      const around = fc
        .integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 })
        .map((offset) => new Date(ctx.now + offset).toISOString());
      return fc.oneof(around, fc.constantFrom('2026-01-15T10:00:00+02:00', '2026-02-30T00:00:00Z', '2026-01-15'));
    }
    case 'uuid':
      return fc.uuid();
  }
  const text = fc.oneof(
    { weight: 4, arbitrary: words },
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: slug },
    { weight: 1, arbitrary: unicodeTrickText },
  );
  return text.map((s) => fit(s, schema));
}

function integerFor(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? -(2 ** 31));
  const max = Math.min(schema.maximum ?? 2 ** 31, Number.MAX_SAFE_INTEGER);
  // Mostly small values from the bottom of the range (which may start well above zero).
  const low = Math.max(min, 0);
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: low, max: Math.min(max, low + 12) }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 1, arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }) },
  );
}

function objectFor(schema: JsonSchema, ctx: SchemaContext, mutate: boolean): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const record = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, arbitraryFor(value, ctx, mutate)])),
    { requiredKeys: required.filter((key) => key in properties) },
  );
  if (!mutate) return record;
  const extra = rarely(fc.tuple(fc.constantFrom(...HOSTILE_STRINGS, 'id', 'status', 'role'), hostileJson));
  const drop = rarely(fc.constantFrom(...(required.length > 0 ? required : ['-'])));
  return fc.tuple(record, extra, drop).map(([value, added, dropped]) => {
    const result: Record<string, unknown> = { ...value };
    if (added) result[added[0]] = added[1];
    if (dropped) delete result[dropped];
    return result;
  });
}

function validFor(schema: JsonSchema, ctx: SchemaContext, mutate: boolean): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = ctx.components[name];
    if (!target) throw new Error(`Unknown schema ${schema.$ref}`);
    return validFor(target, ctx, mutate);
  }
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => arbitraryFor(choice, ctx, mutate)));
  if (schema.allOf?.[0]) return validFor(schema.allOf[0], ctx, mutate);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return objectFor(schema, ctx, mutate);
    case 'array':
      return fc.array(arbitraryFor(schema.items ?? {}, ctx, mutate), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'string':
      return stringFor(schema, ctx);
    case 'integer':
      return integerFor(schema);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum, max: schema.maximum });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * A value for the schema (its strings may still be hostile text). With `mutate`, now and then a
 * node is replaced by a value of any type, or an object loses a required field or gains one.
 */
export function arbitraryFor(schema: JsonSchema, ctx: SchemaContext, mutate = true): fc.Arbitrary<unknown> {
  if (!mutate) return validFor(schema, ctx, false);
  return fc.oneof(
    { weight: MUTATION_ODDS - 1, arbitrary: validFor(schema, ctx, true) },
    { weight: 1, arbitrary: hostileJson },
  );
}
