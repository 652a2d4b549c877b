import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
});
