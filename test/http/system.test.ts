import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTestApp } from '../helpers/build-app.js';

const { api, engine } = await buildTestApp();

describe('system endpoints', () => {
  it('GET /healthz answers ok once the database is open, naming the engine', async () => {
    const res = await api.get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', engine: engine.kind, database: 'up' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('GET /openapi.json serves the same document as openapi.yaml', async () => {
    const res = await api.get('/openapi.json').expect(200);
    const committed = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'));
    expect(res.body).toEqual(committed);
    expect(res.body.openapi).toBe('3.1.0');
  });

  it('GET /docs serves an API reference page whose assets come from this server', async () => {
    const page = await api.get('/docs/').redirects(1).expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(asset).not.toMatch(/^(https?:)?\/\//);
  });
});
