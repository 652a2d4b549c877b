import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTestApp } from '../helpers/build-app.js';

const { api, engine } = await buildTestApp();

describe('system endpoints', () => {
  it('GET / answers an index of links, public and cacheable, with RFC 8631 Link relations', async () => {
    const res = await api.get('/').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers.link).toBe(
      '</openapi.json>; rel="service-desc", </docs>; rel="service-doc", </healthz>; rel="status"',
    );
    expect(res.body).toEqual({
      name: 'Fjord',
      description: 'A headless CMS content API for articles and moderated reader comments',
      version: '1.0.0',
      links: {
        docs: { href: '/docs', title: 'The API reference, to read and try in a browser' },
        openapi: { href: '/openapi.json', title: 'The OpenAPI 3.1 document, to generate a client from' },
        articles: { href: '/v1/articles', title: 'Published articles, newest first' },
        tags: { href: '/v1/tags', title: 'Tags' },
        credits: { href: '/v1/credits', title: 'Credits: authors, photographers and sources' },
        changes: { href: '/v1/changes', title: 'What changed since a cursor, to keep a copy in sync' },
        health: { href: '/healthz', title: 'Whether this node can serve' },
      },
    });
  });

  it('GET / links only to paths this server answers', async () => {
    const { body } = await api.get('/').expect(200);
    for (const { href } of Object.values(body.links as Record<string, { href: string }>)) {
      await api.get(href).redirects(1).expect(200);
    }
  });

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

  it('the reference reads the same document as /openapi.json, as JSON and as YAML', async () => {
    const document = (await api.get('/openapi.json').expect(200)).body;
    expect((await api.get('/docs/json').expect(200)).body).toEqual(document);
    const yaml = await api.get('/docs/yaml').expect(200);
    expect(yaml.headers['content-type']).toBe('application/x-yaml');
    expect(parse(yaml.text)).toEqual(document);
  });

  it("serves the reference's assets with their validators, a HEAD with the GET's length, and a 304 when unchanged", async () => {
    const css = await api.get('/docs/static/index.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('body');
    const head = await api.head('/docs/static/index.css').expect(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(css.text)));
    const again = await api
      .get('/docs/static/index.css')
      .set('if-none-match', css.headers.etag ?? '')
      .expect(304);
    expect(again.headers['content-type']).toBeUndefined();
    expect(again.text).toBe('');
  });

  it('redirects the old index URL of the reference to its page', async () => {
    const res = await api.get('/docs/static/index.html').expect(302);
    expect(res.headers.location).toBe('/docs/');
    expect(res.headers['content-type']).toBeUndefined();
  });
});
