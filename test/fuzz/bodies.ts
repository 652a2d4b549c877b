/** Request bodies: well-formed ones, bent ones, bad JSON, deep nesting, wrong content types and bad bytes. */
import fc from 'fast-check';
import { hostileJson } from './hostile.js';
import type { Body, Operation } from './requests.js';
import { arbitraryFor, type SchemaContext } from './schema-arbitrary.js';

const RAW_BODIES = [
  '{',
  '{"a":',
  '[1,]',
  "{'a':1}",
  'undefined',
  '\u0000',
  '{"a":1}{"b":2}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '\uFEFF{}',
  '',
  ' ',
  'null',
  '"string"',
  '1',
  '[]',
  '{"title":"a","title":1}',
  '{"body":"\\ud800"}',
  '{"n":1e999}',
  '{"n":-0}',
  'NaN',
];

const deepJson = fc
  .tuple(fc.constantFrom(100, 10_000, 100_000), fc.boolean())
  .map(([depth, asObject]) =>
    asObject ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

export function bodyFor(op: Operation, ctx: SchemaContext): fc.Arbitrary<Body> {
  const json = 'application/json';
  // Most bodies are well-formed, so the services see them; a quarter are bent somewhere.
  const wanted = op.body
    ? fc.oneof(
        { weight: 3, arbitrary: arbitraryFor(op.body, ctx, false) },
        { weight: 1, arbitrary: arbitraryFor(op.body, ctx) },
      )
    : hostileJson;
  return fc.oneof(
    {
      weight: op.body ? 10 : 1,
      arbitrary: wanted.map((value) => ({ kind: 'json' as const, value, contentType: json })),
    },
    { weight: op.body ? 1 : 6, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 1, arbitrary: hostileJson.map((value) => ({ kind: 'json' as const, value, contentType: json })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom(...RAW_BODIES), deepJson)
        .map((payload) => ({ kind: 'raw' as const, payload, contentType: json })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          wanted,
          fc.constantFrom(
            null,
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            'application/json; charset=utf-16',
            'application/jsonx',
            'application/json, text/plain',
            'application/merge-patch+json',
            'APPLICATION/JSON',
            '',
          ),
        )
        .map(([value, contentType]) => ({ kind: 'raw' as const, payload: JSON.stringify(value) ?? '', contentType })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xae, 0x22, 0x7d]),
          Buffer.from('{"title":"x"}', 'utf16le'),
          Buffer.alloc(1_100_000, 0x20),
        )
        .map((payload) => ({ kind: 'raw' as const, payload, contentType: json })),
    },
  );
}
