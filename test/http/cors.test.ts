import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';

const listed = await buildTestApp({ config: { CORS_ORIGINS: ['https://news.example', 'https://app.example'] } });
const open = await buildTestApp();

describe('CORS', () => {
  it('lets a listed origin pass a preflight', async () => {
    const res = await listed.api
      .options('/v1/articles')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'if-none-match')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-allow-methods']).toContain('GET');
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toContain('if-none-match');
    expect(res.headers.vary).toContain('Origin');
  });

  it('answers an OPTIONS request that is no preflight with a 400 problem', async () => {
    const res = await open.api.options('/v1/articles').expect(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({
      status: 400,
      code: 'bad_request',
      errors: [
        { in: 'headers', path: 'origin', message: expect.any(String) },
        { in: 'headers', path: 'access-control-request-method', message: expect.any(String) },
      ],
    });
  });

  it('gives an unlisted origin no CORS headers', async () => {
    const preflight = await listed.api
      .options('/v1/articles')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    const corsHeaders = (headers: Record<string, unknown>) =>
      Object.keys(headers).filter((h) => h.startsWith('access-control-'));
    expect(corsHeaders(preflight.headers)).toEqual([]);
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    const get = await listed.api.get('/v1/articles').set('Origin', 'https://evil.example').expect(200);
    expect(corsHeaders(get.headers)).toEqual([]);
  });

  it('exposes ETag to scripts on a listed origin, and tells shared caches the answer varies by origin', async () => {
    const res = await listed.api.get('/v1/articles').set('Origin', 'https://news.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://news.example');
    expect(res.headers['access-control-expose-headers']).toBe(
      'Surrogate-Key, ETag, Idempotent-Replayed, Allow, Location, Retry-After, X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset',
    );
    expect(res.headers.vary).toBe('Origin, Authorization, Accept-Encoding');
    const cached = await listed.api.get('/v1/articles').set('Origin', 'https://app.example').expect(200);
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(cached.headers.vary).toBe('Origin, Authorization, Accept-Encoding');
  });

  it('allows any origin by default', async () => {
    const res = await open.api.get('/v1/articles').set('Origin', 'https://anyone.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
