import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const admin = await createToken(services, 'admin', 'Root');
const as = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', admin.header);

describe('/v1/tokens', () => {
  it('creates a token whose secret is shown once and works at once', async () => {
    const res = await as(api.post('/v1/tokens')).send({ name: 'CI bot', role: 'editor' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'CI bot',
      role: 'editor',
      prefix: expect.stringMatching(/^fjord_/),
      created_at: expect.any(String),
      last_used_at: null,
      revoked_at: null,
      secret: expect.stringMatching(/^fjord_[A-Za-z0-9_-]{43}$/),
    });
    const used = await api.get('/v1/articles?status=draft').set('authorization', `Bearer ${res.body.secret}`);
    expect(used.status).toBe(200);
    const list = await as(api.get('/v1/tokens'));
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    expect(list.body.data.map((t: { name: string }) => t.name)).toContain('CI bot');
  });

  it('revokes a token: it answers 401 from then on', async () => {
    const victim = await createToken(services, 'editor', 'Leaver');
    const id = (await as(api.get('/v1/tokens'))).body.data.find((t: { name: string }) => t.name === 'Leaver').id;
    const res = await as(api.delete(`/v1/tokens/${id}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, revoked_at: expect.any(String) });
    const denied = await api.get('/v1/articles').set('authorization', victim.header);
    expect(denied.status).toBe(401);
    expect(denied.body.detail).toBe('The bearer token has been revoked');
  });

  it('answers 400 for an unknown role and 404 for an unknown id', async () => {
    expect((await as(api.post('/v1/tokens')).send({ name: 'x', role: 'owner' })).status).toBe(400);
    expect((await as(api.delete('/v1/tokens/99999'))).status).toBe(404);
  });
});
