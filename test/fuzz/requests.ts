/**
 * Hostile requests for one operation of the OpenAPI document: its path, query, headers and body
 * are generated from what the document declares, then bent (wrong types, missing and extra
 * fields, bad encodings, wrong content types, bad JSON, deep nesting, bad tokens...).
 */
import fc from 'fast-check';
import { bodyFor } from './bodies.js';
import { HOSTILE_STRINGS, hostileString, PATH_STRINGS } from './hostile.js';
import { arbitraryFor, type JsonSchema, type SchemaContext } from './schema-arbitrary.js';

export type Access = 'public' | 'editor' | 'moderator' | 'admin';

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  access: Access;
  parameters: { in: 'path' | 'query' | 'header'; name: string; schema: JsonSchema }[];
  body: JsonSchema | null;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema>; parameters?: Record<string, Operation['parameters'][number]> };
}

type Parameter = Operation['parameters'][number] | { $ref: string };

export function operationsOf(document: unknown): Operation[] {
  const doc = document as OpenApiDocument;
  // A parameter several operations share is a `#/components/parameters/X` reference.
  const resolve = (parameter: Parameter) => {
    if (!('$ref' in parameter)) return parameter;
    const shared = doc.components.parameters?.[parameter.$ref.replace('#/components/parameters/', '')];
    if (!shared) throw new Error(`Unknown parameter ${parameter.$ref}`);
    return shared;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId as string,
      access: op['x-access'] as Access,
      parameters: ((op.parameters as Parameter[] | undefined) ?? []).map(resolve),
      body:
        (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.[
          'application/json'
        ]?.schema ?? null,
    })),
  );
}

/** A path parameter: a real value of the resource (picked when the request is made), or hostile text. */
export type PathValue = { real: number } | { text: string } | { raw: string };
export type Auth = { role: 'admin' | 'editor' | 'moderator' } | { kind: 'none' | 'revoked' } | { header: string };
export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string }
  | { kind: 'raw'; payload: string | Buffer; contentType: string | null };

export interface Case {
  method: string;
  auth: Auth;
  path: Record<string, PathValue>;
  query: [string, string][];
  headers: Record<string, string>;
  body: Body;
  remoteAddress: string;
}

/** Header values a client can put on the wire: visible ASCII, spaces, tabs and Latin-1. */
const headerText = hostileString.map((s) => s.replace(/[^\t\x20-\x7e\xa0-\xff]/g, '').slice(0, 9000));

const badAuthorization = fc.oneof(
  fc.constantFrom(
    '',
    'Bearer',
    'Bearer ',
    'bearer fjord_',
    'Basic dXNlcjpwYXNz',
    'Bearer fjord_x',
    `Bearer fjord_${'A'.repeat(43)}`,
    `Bearer fjord_${'A'.repeat(43)} extra`,
    `Bearer  fjord_${'-'.repeat(43)}  `,
    `Bearer ${'x'.repeat(8000)}`,
    'Bearer null',
    'Bearer \u00ff\u00fe',
    "Bearer ' OR 1=1 --",
  ),
  headerText.map((s) => `Bearer ${s}`),
  headerText,
);

function authFor(op: Operation): fc.Arbitrary<Auth> {
  const needed = op.access === 'public' ? 'admin' : op.access;
  return fc.oneof(
    { weight: op.access === 'public' ? 2 : 10, arbitrary: fc.constant({ role: needed }) },
    { weight: 3, arbitrary: fc.constantFrom('admin', 'editor', 'moderator').map((role) => ({ role })) },
    { weight: op.access === 'public' ? 4 : 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'revoked' as const }) },
    { weight: 1, arbitrary: badAuthorization.map((header) => ({ header })) },
  );
}

const pathValue: fc.Arbitrary<PathValue> = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((real) => ({ real })) },
  { weight: 2, arbitrary: hostileString.map((text) => ({ text })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        ...PATH_STRINGS.filter((s) => !/[\\?#]/.test(s)),
        '0',
        '-1',
        '1.5',
        '1e3',
        '0x1',
        '9007199254740993',
        'NaN',
        'a'.repeat(301),
        'a'.repeat(501),
        '1'.repeat(600),
      )
      .map((raw) => ({ raw })),
  },
);

function queryFor(op: Operation, ctx: SchemaContext): fc.Arbitrary<[string, string][]> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const pairs = declared.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 10, arbitrary: arbitraryFor(p.schema, ctx).map(asText) },
        { weight: 1, arbitrary: hostileString },
        { weight: 1, arbitrary: fc.constantFrom(...BAD_CURSORS) },
      ),
      { freq: 2 },
    ),
  );
  const extraKey = fc.constantFrom('__proto__', 'constructor', 'limit[]', 'a[b]', '', 'status', ...HOSTILE_STRINGS);
  const extras = fc.array(fc.tuple(extraKey, hostileString), { maxLength: 2 });
  return fc.tuple(fc.tuple(...pairs), extras, fc.boolean()).map(([values, extra, repeat]) => {
    const query: [string, string][] = [];
    declared.forEach((p, i) => {
      const value = values[i];
      if (value === null || value === undefined) return;
      query.push([p.name, value]);
      if (repeat) query.push([p.name, value]);
    });
    return [...query, ...extra];
  });
}

const BAD_CURSORS = [
  'W10',
  'WzFd',
  'bnVsbA',
  'eyJhIjoxfQ',
  'WyJhIiwiYiJd',
  'WzEsIngiXQ',
  'WzFlMzA5LCJ4Il0',
  'WzkwMDcxOTkyNTQ3NDA5OTMsMV0',
  '!!!',
  '====',
  'a'.repeat(512),
  'a'.repeat(513),
];

function etagHeader(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: 6 }).map((n) => `"r${n}.abc"`),
    fc.constantFrom('*', 'W/"r1.x"', '"r99999999999999999999.x"', '"r1.x", "r2.y"', '"', 'r1', '""', '"r-1.x"'),
    headerText,
  );
}

/** Each header now and then, so most requests still get past header validation. */
function headersFor(): fc.Arbitrary<Record<string, string>> {
  const sometimes = (arbitrary: fc.Arbitrary<string>) =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
  return fc
    .record({
      'idempotency-key': sometimes(
        fc.oneof(
          { weight: 3, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/) },
          { weight: 1, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(256), 'clé', 'a b', 'same-key') },
        ),
      ),
      'if-match': sometimes(etagHeader()),
      'if-none-match': sometimes(etagHeader()),
      'x-request-id': sometimes(headerText),
      accept: sometimes(fc.constantFrom('application/xml', 'text/html', '*/*', 'application/problem+json', '')),
      'accept-encoding': sometimes(
        fc.oneof(
          fc.constantFrom(
            'br',
            'gzip, deflate, br',
            'identity;q=0',
            '*;q=0',
            'gzip;q=2',
            'br;q=0.5, gzip',
            ',;=;q',
            '',
          ),
          headerText,
        ),
      ),
    })
    .map(
      (headers) => Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== null)) as Record<string, string>,
    );
}

export function caseFor(op: Operation, ctx: SchemaContext): fc.Arbitrary<Case> {
  const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  return fc.record({
    method: fc.oneof({ weight: 30, arbitrary: fc.constant(op.method) }, fc.constantFrom('PUT', 'OPTIONS', 'TRACE')),
    auth: authFor(op),
    path: fc.record(Object.fromEntries(pathNames.map((name) => [name, pathValue]))),
    query: queryFor(op, ctx),
    headers: headersFor(),
    body: bodyFor(op, ctx),
    remoteAddress: fc.constantFrom('127.0.0.1', '192.0.2.50', '198.51.100.7', '2001:db8::1', '::ffff:203.0.113.9'),
  });
}

/** Percent-encodes text for a URL; a lone surrogate (which encodeURIComponent refuses) goes as the bytes of U+FFFD. */
export function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(Buffer.from(text).toString());
  }
}
