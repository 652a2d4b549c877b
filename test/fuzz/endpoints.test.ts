import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../helpers/build-app.js';
import { createFingerprinter } from './fingerprint.js';
import { fuzzRuns, fuzzSeed } from './hostile.js';
import { type Case, caseFor, encode, type Operation, operationsOf, type PathValue } from './requests.js';
import type { JsonSchema } from './schema-arbitrary.js';
import { publishArticle, renewRevokedTokens, seedContent } from './seed.js';
import { createSpoofingProbe, sendsIllFormedText } from './text-classes.js';

const RUNS = fuzzRuns(50);
const clock = testClock();
const { app, services, engine, probe } = await buildTestApp({ clock });
const seeded = await seedContent(services);
const fingerprints = await createFingerprinter({ engine, probe });
const spoofedNames = createSpoofingProbe(probe);
const document = app.swagger() as unknown as { components: { schemas: Record<string, JsonSchema> } };
const operations = operationsOf(document);
const ctx = { components: document.components.schemas, slugs: seeded.slugs, now: clock.now() };

const histogram = new Map<string, number>();
const tally = { cases: 0, serverErrors: 0, rejected: 0, accepted: 0 };
afterAll(() => {
  // FUZZ_VERBOSE=1 shows how far requests got: statuses per operation.
  if (process.env.FUZZ_VERBOSE) {
    const lines = [...histogram].sort().map(([key, n]) => `${key}: ${n}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.stdout.write(
    `fuzz (endpoints): ${tally.cases} cases over ${operations.length} operations, ${tally.serverErrors} 5xx, ` +
      `${tally.rejected} rejected (4xx), ${tally.accepted} accepted\n`,
  );
});

/** The one column of a query's rows, as strings. */
const pluck = async (query: string) => (await probe.rows<{ v: unknown }>(sql.raw(query))).map((row) => String(row.v));

/** Real values for a path parameter, read when the request is made: earlier requests create and delete things. */
async function realValues(resource: string, name: string): Promise<string[]> {
  const articleSlugs = () => pluck('select slug as v from article_slugs order by slug');
  const articleIds = () => pluck('select id as v from articles order by id');
  if (name === 'n') return pluck('select distinct number as v from article_revisions order by number');
  switch (resource) {
    case 'articles': {
      // Every article route takes an id or a slug: published slugs, ids, and every slug ever had.
      const published = await pluck("select slug as v from articles where status = 'published' order by slug");
      return [...published, ...(await articleIds()), ...(await articleSlugs())];
    }
    case 'tags':
      return pluck('select slug as v from tags order by slug');
    case 'credits':
      return pluck('select id as v from credits order by id');
    case 'comments':
      return pluck('select id as v from comments order by id');
    case 'tokens':
      return pluck('select id as v from api_tokens order by id');
    default:
      return [
        ...(await articleIds()),
        ...(await articleSlugs()),
        ...(await pluck('select id as v from comments')),
        '1',
      ];
  }
}

async function segment(op: Operation, name: string, value: PathValue | undefined): Promise<string> {
  if (!value) return 'x';
  if ('raw' in value) return value.raw;
  if ('text' in value) return encode(value.text);
  const pool = await realValues(op.path.split('/')[2] ?? '', name);
  return encode(pool.length > 0 ? (pool[value.real % pool.length] ?? '1') : '1');
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  remoteAddress: string;
}

async function requestOf(op: Operation, c: Case): Promise<FuzzRequest> {
  // Odd parts are the parameters' names, filled one after the other in the order the path names them.
  const parts = op.path.split(/\{(\w+)\}/);
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] ?? '';
    parts[i] = await segment(op, name, c.path[name]);
  }
  const path = parts.join('');
  const query = c.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  const headers: Record<string, string> = { ...c.headers };
  if ('role' in c.auth) headers.authorization = seeded.tokens[c.auth.role];
  else if ('header' in c.auth) headers.authorization = c.auth.header;
  else if (c.auth.kind === 'revoked') headers.authorization = seeded.revokedToken;
  const request: FuzzRequest = {
    method: c.method,
    url: query ? `${path}?${query}` : path,
    headers,
    remoteAddress: c.remoteAddress,
  };
  if (c.body.kind === 'json') {
    headers['content-type'] = c.body.contentType;
    request.payload = JSON.stringify(c.body.value) ?? 'null';
  } else if (c.body.kind === 'raw') {
    if (c.body.contentType !== null) headers['content-type'] = c.body.contentType;
    request.payload = c.body.payload;
  }
  return request;
}

function describeRequest(request: FuzzRequest): string {
  const payload = request.payload === undefined ? '' : request.payload.toString().slice(0, 500);
  return `${request.method} ${request.url.slice(0, 500)}\nheaders: ${JSON.stringify(request.headers).slice(0, 500)}\nbody: ${payload}`;
}

/** The body as a client reads it, once it undoes the Content-Encoding the request asked for. */
function textOf(res: { rawPayload: Buffer; headers: Record<string, unknown> }): string {
  const coding = res.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(res.rawPayload).toString();
  if (coding === 'gzip') return gunzipSync(res.rawPayload).toString();
  return res.rawPayload.toString();
}

async function check(op: Operation, c: Case) {
  clock.advance(1000);
  // A schedule that comes due is applied here, not by the request under test, so it is not taken for its doing.
  await services.publishing.applyDue();
  await renewRevokedTokens(services, seeded);
  const request = await requestOf(op, c);
  const before = await fingerprints.current();
  const res = await app.inject(request as InjectOptions);
  tally.cases++;
  const key = `${op.operationId} ${res.statusCode}`;
  histogram.set(key, (histogram.get(key) ?? 0) + 1);
  const body = textOf(res);
  const context = `${describeRequest(request)}\n-> ${res.statusCode} ${String(res.headers['content-type'])}\n${body.slice(0, 800)}`;
  if (res.statusCode >= 500) tally.serverErrors++;
  expect(res.statusCode, context).toBeLessThan(500);
  if (res.statusCode < 400) {
    tally.accepted++;
    expect(sendsIllFormedText(c), `a body with a lone surrogate was accepted\n${context}`).toBe(false);
    expect(
      await spoofedNames(),
      `a name, slug or URL was stored with a bidi or invisible character\n${context}`,
    ).toEqual([]);
    return;
  }
  tally.rejected++;
  expect(res.headers['content-type'], context).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(body), context).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: res.statusCode,
    detail: expect.any(String),
  });
  const after = await fingerprints.current();
  expect(after.content, `a rejected request changed the database\n${context}`).toBe(before.content);
  if (!('idempotency-key' in request.headers)) {
    expect(after.idempotency, `a request without Idempotency-Key stored one\n${context}`).toBe(before.idempotency);
  }
}

describe('every operation of the OpenAPI document, fuzzed', () => {
  it('covers every operation', () => {
    expect(operations.length).toBeGreaterThan(30);
    // The search index is an FTS5 table on SQLite, a table with a tsvector column on PostgreSQL.
    const index = engine.kind === 'sqlite' ? 'articles_fts' : 'search_documents';
    expect(fingerprints.tables).toEqual(expect.arrayContaining(['articles', 'comments', index]));
  });

  describe.each(operations.map((op, i) => ({ ...op, i })))('$method $path', (op) => {
    it('never answers 5xx, rejects with problem+json, and a rejection changes nothing', async () => {
      // Earlier operations archive and unpublish what they find: each starts with a fresh published article.
      await publishArticle(services, 10 + op.i);
      await fc.assert(
        fc.asyncProperty(caseFor(op, ctx), (c) => check(op, c)),
        { numRuns: RUNS, seed: fuzzSeed() },
      );
    });
  });
});
