/**
 * The webhooks admin API: registration with its secret shown once, reads without it, changes,
 * deletion, and every bad input refused with nothing stored. This file's server sends nothing
 * (WEBHOOKS_CONCURRENCY=0): what deliveries do is test/modules/webhooks/delivery.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { sql } from '../../helpers/engine.js';
import { createToken } from '../../helpers/factories.js';

const { api, services, probe } = await buildTestApp({ config: { WEBHOOKS_CONCURRENCY: 0 } });
const admin = await createToken(services, 'admin', 'Root');
const editor = await createToken(services, 'editor');
const as = <T extends { set(name: string, value: string): T }>(req: T, who = admin) =>
  req.set('authorization', who.header);

// Public addresses as literals: registration resolves nothing, so the tests need no DNS.
const PUBLIC_V4 = 'https://93.184.215.14/hooks/fjord';
const PUBLIC_V6 = 'https://[2606:4700:4700::1111]/hook';

const stored = async () => Number((await probe.rows<{ n: number }>(sql`SELECT count(*) AS n FROM webhooks`))[0]?.n);

async function register(body: Record<string, unknown> = {}) {
  const res = await as(api.post('/v1/webhooks')).send({ url: PUBLIC_V4, events: ['article.published'], ...body });
  expect(res.status).toBe(201);
  return res.body as { id: number; secret: string };
}

const webhook = (overrides: Record<string, unknown> = {}) => ({
  id: expect.any(Number),
  url: PUBLIC_V4,
  description: '',
  events: ['article.published'],
  enabled: true,
  disabled_reason: null,
  disabled_at: null,
  consecutive_failures: 0,
  created_at: expect.any(String),
  updated_at: expect.any(String),
  ...overrides,
});

describe('POST /v1/webhooks', () => {
  it('answers 201 with the webhook and its secret, which no later read shows', async () => {
    const res = await as(api.post('/v1/webhooks')).send({
      url: PUBLIC_V4,
      events: ['article.published', 'article.unpublished', 'tag.*', 'article.published'],
      description: 'Rebuild the site',
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/webhooks/${res.body.id}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      ...webhook({ events: ['article.published', 'article.unpublished', 'tag.*'], description: 'Rebuild the site' }),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(Buffer.from(res.body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);

    const one = await as(api.get(`/v1/webhooks/${res.body.id}`));
    expect(one.status).toBe(200);
    const { secret, ...shown } = res.body;
    expect(one.body).toEqual(shown);
    const list = await as(api.get('/v1/webhooks?limit=100'));
    expect(list.body.data).toContainEqual(shown);
    expect(JSON.stringify([one.body, list.body])).not.toContain(secret);
  });

  it('accepts a public IPv6 literal and every subscription of the catalogue', async () => {
    const res = await as(api.post('/v1/webhooks')).send({ url: PUBLIC_V6, events: ['*'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ...webhook({ url: PUBLIC_V6, events: ['*'] }), secret: expect.any(String) });
  });

  it.each([
    [
      { events: ['article.published', 'article.deleted', 'page.*'] },
      'events',
      /unknown events: article\.deleted, page\.\*/,
    ],
    [{ events: [] }, 'events', /at least one event/],
    [{ events: 'article.published' }, 'events', /array/],
    [{ url: 'ftp://93.184.215.14/hook' }, 'url', /http or https/],
    [{ url: 'not a url' }, 'url', /absolute http\(s\) URL/],
    [{ url: 'https://user:pass@93.184.215.14/hook' }, 'url', /credentials/],
    [{ url: `https://93.184.215.14/${'a'.repeat(2048)}` }, 'url', /2048/],
    [{ description: 'x'.repeat(501) }, 'description', /500/],
    [{ secret: 'whsec_mine' }, 'secret', /not a known field/],
  ])('refuses %j with a 400 naming the field, and stores nothing', async (body, path, message) => {
    const before = await stored();
    const res = await as(api.post('/v1/webhooks')).send({ url: PUBLIC_V4, events: ['*'], ...body });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'body', path })]);
    expect(res.body.errors[0].message).toMatch(message);
    expect(await stored()).toBe(before);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['http://10.1.2.3/hook', '10.1.2.3'],
    ['http://172.20.0.1/hook', '172.20.0.1'],
    ['http://192.168.1.10/hook', '192.168.1.10'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://100.64.0.1/hook', '100.64.0.1'],
    ['http://0.0.0.0/hook', '0.0.0.0'],
    ['http://224.0.0.1/hook', '224.0.0.1'],
    ['http://[::1]/hook', '::1'],
    ['http://[::]/hook', '::'],
    ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1'],
    ['http://[fd00::1]/hook', 'fd00::1'],
    ['http://[fe80::1]/hook', 'fe80::1'],
    ['http://2130706433/hook', '127.0.0.1'],
    ['http://localhost:3000/hook', '127.0.0.1'],
  ])('refuses the non-public target %s, and stores nothing', async (url, address) => {
    const before = await stored();
    const res = await as(api.post('/v1/webhooks')).send({ url, events: ['*'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(res.body.errors).toEqual([{ in: 'body', path: 'url', message: expect.stringContaining(`${address}`) }]);
    expect(res.body.errors[0].message).toContain('WEBHOOKS_ALLOW_PRIVATE=true');
    expect(await stored()).toBe(before);
  });

  it('is for admins only', async () => {
    const res = await as(api.post('/v1/webhooks'), editor).send({ url: PUBLIC_V4, events: ['*'] });
    expect(res.status).toBe(403);
    expect((await api.get('/v1/webhooks')).status).toBe(401);
  });
});

describe('PATCH /v1/webhooks/{id}', () => {
  it('changes the URL, events and description, and keeps the rest', async () => {
    const { id } = await register();
    const res = await as(api.patch(`/v1/webhooks/${id}`)).send({
      url: PUBLIC_V6,
      events: ['comment.*'],
      description: 'Moderation bot',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(webhook({ id, url: PUBLIC_V6, events: ['comment.*'], description: 'Moderation bot' }));
  });

  it('disables with the admin named as the reason, and enabling clears it', async () => {
    const { id } = await register();
    const off = await as(api.patch(`/v1/webhooks/${id}`)).send({ enabled: false });
    expect(off.body).toEqual(
      webhook({ id, enabled: false, disabled_reason: 'disabled by Root', disabled_at: expect.any(String) }),
    );
    const on = await as(api.patch(`/v1/webhooks/${id}`)).send({ enabled: true });
    expect(on.body).toEqual(webhook({ id }));
  });

  it('refuses a private URL or an unknown event, and changes nothing', async () => {
    const { id } = await register();
    const before = (await as(api.get(`/v1/webhooks/${id}`))).body;
    const privateUrl = await as(api.patch(`/v1/webhooks/${id}`)).send({ url: 'http://10.0.0.1/', events: ['*'] });
    expect(privateUrl.status).toBe(400);
    const unknown = await as(api.patch(`/v1/webhooks/${id}`)).send({ url: PUBLIC_V6, events: ['nope'] });
    expect(unknown.status).toBe(400);
    const extra = await as(api.patch(`/v1/webhooks/${id}`)).send({ secret: 'whsec_x' });
    expect(extra.status).toBe(400);
    expect((await as(api.get(`/v1/webhooks/${id}`))).body).toEqual(before);
  });

  it('answers 404 for a webhook that does not exist', async () => {
    const res = await as(api.patch('/v1/webhooks/999999')).send({ description: 'x' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found', detail: 'No webhook with id 999999' });
  });
});

describe('DELETE /v1/webhooks/{id}', () => {
  it('deletes the webhook and its deliveries; a second delete is a 404', async () => {
    const { id } = await register();
    await as(api.post(`/v1/webhooks/${id}/test`)).expect(202);
    expect(await as(api.delete(`/v1/webhooks/${id}`))).toMatchObject({ status: 204 });
    expect((await as(api.get(`/v1/webhooks/${id}`))).status).toBe(404);
    expect((await as(api.get(`/v1/webhooks/${id}/deliveries`))).status).toBe(404);
    expect(await probe.rows(sql`SELECT id FROM webhook_deliveries WHERE webhook_id = ${id}`)).toEqual([]);
    expect((await as(api.delete(`/v1/webhooks/${id}`))).status).toBe(404);
  });
});

describe('the audit log', () => {
  it('records who registered, changed and deleted a webhook, never its secret', async () => {
    const ops = await createToken(services, 'admin', 'Ops');
    const created = await as(api.post('/v1/webhooks'), ops).send({ url: PUBLIC_V4, events: ['tag.*'] });
    const { id, secret } = created.body as { id: number; secret: string };
    await as(api.patch(`/v1/webhooks/${id}`), ops)
      .send({ enabled: false })
      .expect(200);
    await as(api.delete(`/v1/webhooks/${id}`), ops).expect(204);
    const audit = await as(api.get('/v1/audit?actor=Ops'));
    expect(audit.status).toBe(200);
    const entry = (action: string, details: Record<string, unknown>) => ({
      id: expect.any(Number),
      at: expect.any(String),
      actor: 'Ops',
      action,
      article_id: null,
      subject_type: 'webhook',
      subject_id: String(id),
      details,
    });
    expect(audit.body.data).toEqual([
      entry('webhook.delete', {}),
      entry('webhook.update', { enabled: false }),
      entry('webhook.create', { url: PUBLIC_V4, events: ['tag.*'], description: '' }),
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(secret);
  });
});

describe('GET /v1/webhooks', () => {
  it('pages oldest first with a cursor', async () => {
    const ids = [(await register()).id, (await register()).id, (await register()).id];
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res: { status: number; body: { data: { id: number }[]; meta: { next_cursor: string | null } } } = await as(
        api.get(`/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((w: { id: number }) => w.id));
      cursor = res.body.meta.next_cursor;
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect((await as(api.get('/v1/webhooks?cursor=bogus'))).status).toBe(400);
  });
});

describe('test pings, deliveries and replays', () => {
  it('queues a ping as a delivery the log shows, newest first', async () => {
    const { id } = await register();
    const first = await as(api.post(`/v1/webhooks/${id}/test`));
    expect(first.status).toBe(202);
    const delivery = {
      id: expect.any(Number),
      event_id: expect.any(Number),
      event_type: 'webhook.ping',
      status: 'pending',
      attempts: 0,
      last_status: null,
      last_error: null,
      last_response: null,
      last_attempt_at: null,
      next_attempt_at: expect.any(String),
      created_at: expect.any(String),
    };
    expect(first.body).toEqual(delivery);
    const second = await as(api.post(`/v1/webhooks/${id}/test`));
    const log = await as(api.get(`/v1/webhooks/${id}/deliveries`));
    expect(log.status).toBe(200);
    expect(log.body).toEqual({ data: [second.body, first.body], meta: { next_cursor: null } });
    expect(second.body.event_id).toBeGreaterThan(first.body.event_id);
    const paged = await as(api.get(`/v1/webhooks/${id}/deliveries?limit=1`));
    expect(paged.body.data).toEqual([second.body]);
    const rest = await as(api.get(`/v1/webhooks/${id}/deliveries?limit=1&cursor=${paged.body.meta.next_cursor}`));
    expect(rest.body).toEqual({ data: [first.body], meta: { next_cursor: null } });
  });

  it('keeps pings out of the change feed', async () => {
    const { id } = await register();
    const { body } = await as(api.post(`/v1/webhooks/${id}/test`));
    expect(
      await probe.rows(sql`SELECT type, entity, entity_id, feed, data FROM events WHERE id = ${body.event_id}`),
    ).toEqual([
      { type: 'webhook.ping', entity: 'webhook', entity_id: String(id), feed: null, data: `{"webhook_id":${id}}` },
    ]);
  });

  it('replays a delivery of this webhook only, and refuses while the webhook is disabled', async () => {
    const { id } = await register();
    const other = await register();
    const { body: ping } = await as(api.post(`/v1/webhooks/${id}/test`));
    const replay = await as(api.post(`/v1/webhooks/${id}/deliveries/${ping.id}/retry`));
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ ...ping, next_attempt_at: expect.any(String) });
    const elsewhere = await as(api.post(`/v1/webhooks/${other.id}/deliveries/${ping.id}/retry`));
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.detail).toBe(`No delivery ${ping.id} of webhook ${other.id}`);

    await as(api.patch(`/v1/webhooks/${id}`))
      .send({ enabled: false })
      .expect(200);
    const refused = await as(api.post(`/v1/webhooks/${id}/deliveries/${ping.id}/retry`));
    expect(refused.status).toBe(409);
    expect((await as(api.post(`/v1/webhooks/${id}/test`))).status).toBe(409);
    // Disabling gave up what was pending, saying why.
    const log = await as(api.get(`/v1/webhooks/${id}/deliveries`));
    expect(log.body.data).toEqual([
      { ...ping, status: 'failed', next_attempt_at: null, last_error: 'given up: the webhook was disabled' },
    ]);
  });

  it('answers 404 for the pings and logs of a webhook that does not exist', async () => {
    expect((await as(api.post('/v1/webhooks/999999/test'))).status).toBe(404);
    expect((await as(api.get('/v1/webhooks/999999/deliveries'))).status).toBe(404);
    expect((await as(api.post('/v1/webhooks/999999/deliveries/1/retry'))).status).toBe(404);
  });
});
