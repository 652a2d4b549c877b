import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withResponseHeaders } from '../src/http/openapi-headers.js';
import { renderOpenApiYaml } from '../src/openapi-document.js';

describe('openapi.yaml', () => {
  it('is what the routes generate (run `npm run openapi` after changing a route)', async () => {
    const committed = readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8');
    expect(await renderOpenApiYaml()).toBe(committed);
  });

  it('gives every operation an operationId, a summary, tags and its error responses', async () => {
    const { parse } = await import('yaml');
    const document = parse(await renderOpenApiYaml());
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, Record<string, unknown>>).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThan(5);
    const ids = new Set<string>();
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.operationId, where).toEqual(expect.any(String));
      expect(ids.has(op.operationId as string), `${where} repeats an operationId`).toBe(false);
      ids.add(op.operationId as string);
      expect(op.summary, where).toEqual(expect.any(String));
      expect(op.tags, where).toEqual([expect.any(String)]);
      const responses = op.responses as Record<string, { content?: Record<string, unknown> }>;
      expect(responses['500']?.content, where).toHaveProperty(['application/problem+json']);
      const params = (op.parameters ?? []) as { in: string }[];
      if (params.length > 0 && path !== '/healthz') expect(Object.keys(responses), where).toContain('400');
    }
  });

  it('is served from a relative server, with one parameter name per URL template', async () => {
    const { parse } = await import('yaml');
    const document = parse(await renderOpenApiYaml());
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const templates = Object.keys(document.paths).map((path) => path.replace(/\{\w+\}/g, '{}'));
    expect(new Set(templates).size).toBe(templates.length);
  });

  it('says a public operation takes an optional token, and every response names its request id', async () => {
    const { parse } = await import('yaml');
    const document = parse(await renderOpenApiYaml());
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods as Record<string, Record<string, unknown>>)) {
        const where = `${method.toUpperCase()} ${path}`;
        const security = op['x-access'] === 'public' ? [{}, { bearerAuth: [] }] : [{ bearerAuth: [] }];
        expect(op.security, where).toEqual(security);
        for (const [status, response] of Object.entries(op.responses as Record<string, { headers: object }>)) {
          expect(response.headers, `${where} ${status}`).toHaveProperty(['X-Request-Id']);
        }
      }
    }
  });

  it('declares Content-Encoding and Vary on every response with a body, whatever its status', async () => {
    const { parse } = await import('yaml');
    const document = parse(await renderOpenApiYaml());
    const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
    let bodies = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods as Record<string, { responses: object }>)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, Record<string, object>>)) {
          const where = `${method.toUpperCase()} ${path} ${status}`;
          if (!response.content) {
            expect(response.headers, where).not.toHaveProperty(['Content-Encoding']);
            continue;
          }
          bodies++;
          expect(response.headers, where).toMatchObject({
            'Content-Encoding': ref('Content-Encoding'),
            Vary: ref('Vary'),
          });
        }
      }
    }
    expect(bodies).toBeGreaterThan(100);
  });

  it('declares them once on a shared response, which keeps the headers it has', () => {
    const problem = { content: { 'application/problem+json': {} }, headers: { 'Retry-After': { $ref: 'x' } } };
    const document = withResponseHeaders({
      paths: { '/a': { get: { responses: { '404': { $ref: '#/components/responses/NotFound' } } } } },
      components: { responses: { NotFound: problem, Empty: { description: 'none' } } },
    });
    expect(document.paths['/a'].get.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(document.components.responses).toEqual({
      NotFound: {
        ...problem,
        headers: {
          'Retry-After': { $ref: 'x' },
          Vary: { $ref: '#/components/headers/Vary' },
          'Content-Encoding': { $ref: '#/components/headers/Content-Encoding' },
        },
      },
      Empty: { description: 'none' },
    });
  });
});
