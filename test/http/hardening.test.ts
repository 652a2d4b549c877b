import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/http/hardening.js';
import { DOCS_CSP } from '../../src/http/openapi.js';
import { buildTestApp } from '../helpers/build-app.js';

const { api } = await buildTestApp();

describe('security headers', () => {
  it('gives JSON responses nosniff, no framing and a CSP that allows nothing', async () => {
    const res = await api.get('/v1/articles').expect(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'cross-origin',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('gives problem responses the same headers', async () => {
    const res = await api.get('/v1/nope').expect(404);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('gives URLs the router refuses the same headers, and the request id their body names', async () => {
    const res = await api.get('/v1/articles/%ED%A0%80').expect(400);
    expect(res.headers).toMatchObject({ ...SECURITY_HEADERS, 'x-request-id': res.body.request_id });
  });

  it('serves /docs under a strict CSP that loads only its own files', async () => {
    const res = await api.get('/docs/').expect(200);
    expect(res.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(DOCS_CSP).not.toMatch(/unsafe|https:|\*/);
  });
});
