import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const clock = testClock();
const { api, services, probe } = await buildTestApp({ clock });
const editor = await createToken(services, 'editor', 'Ada');
const admin = await createToken(services, 'admin', 'Root');
const moderator = await createToken(services, 'moderator', 'Mo');
type Req<T> = { set(name: string, value: string): T };
const ed = <T extends Req<T>>(req: T) => req.set('authorization', editor.header);
const root = <T extends Req<T>>(req: T) => req.set('authorization', admin.header);

const iso = (ms: number) => new Date(ms).toISOString();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY_S = 86_400;

/** An article with everything the public shape shows: tags, credits, a hero image, a source. */
async function draft(title = `Aperçu ${Math.random().toString(36).slice(2, 8)}`) {
  const res = await ed(api.post('/v1/articles')).send({
    title,
    lang: 'fr',
    standfirst: 'Le chapeau.',
    body: 'Un *premier* paragraphe.\n\nUn second.',
    tags: ['Technologie', 'Intelligence Artificielle'],
    credits: [{ role: 'image', name: 'Ben Wicks', organization: 'Unsplash', url: 'https://unsplash.com/@benwicks' }],
    hero_image: { alt: 'chart, treemap chart', credit: { name: 'Ben Wicks', organization: 'Unsplash' } },
    source: { name: 'Techcrunch', url: 'https://techcrunch.com/' },
    ai_generated: true,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string };
}

async function createPreview(ref: string, body?: object) {
  const res = await ed(api.post(`/v1/articles/${ref}/preview`)).send(body);
  expect(res.status).toBe(201);
  return res.body as { id: number; token: string; url: string; revision: number | null };
}

async function revise(id: string, base: number, fields: object) {
  expect((await ed(api.post(`/v1/articles/${id}/revisions`)).send({ base_revision: base, ...fields })).status).toBe(
    201,
  );
}

async function publish(id: string, revision?: number) {
  expect((await ed(api.post(`/v1/articles/${id}/publish`)).send(revision ? { revision } : {})).status).toBe(200);
}

const countLinks = async () =>
  (await probe.rows<{ n: number }>(sql`select count(*) as n from preview_links`))[0]?.n ?? -1;
const countAudit = async () =>
  (await probe.rows<{ n: number }>(sql`select count(*) as n from audit_log where action like 'preview.%'`))[0]?.n ?? -1;

/** A problem document, without the parts that name the request (its path and id). */
const problemOf = (body: Record<string, unknown>) => ({ ...body, instance: undefined, request_id: undefined });

describe('POST /v1/articles/{article}/preview', () => {
  it('makes a link with the defaults: the latest revision, for 24 hours, its token shown once', async () => {
    const { id } = await draft();
    const now = clock.now();
    const res = await ed(api.post(`/v1/articles/${id}/preview`)).send({});
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const token = res.body.token as string;
    expect(res.body).toEqual({
      id: expect.any(Number),
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/preview\//),
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      article_id: id,
      revision: null,
      expires_at: iso(now + DAY_S * 1000),
      created_at: iso(now),
    });
    expect(res.body.url.endsWith(`/v1/preview/${token}`)).toBe(true);
    // Only the token's SHA-256 is kept.
    const rows = await probe.rows<Record<string, unknown>>(sql`select * from preview_links where id = ${res.body.id}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('accepts no body at all, finds the article by slug, and pins a revision when asked', async () => {
    const { id, slug } = await draft();
    const bare = await ed(api.post(`/v1/articles/${slug}/preview`));
    expect(bare.status).toBe(201);
    expect(bare.body).toMatchObject({ article_id: id, revision: null });
    await revise(id, 1, { title: 'Deuxième titre' });
    expect(await createPreview(slug, { revision: 1 })).toMatchObject({ revision: 1 });
  });

  it('gives every link a token of its own', async () => {
    const { id } = await draft();
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) tokens.add((await createPreview(id)).token);
    expect(tokens.size).toBe(5);
  });

  it('takes expires_in from 60 seconds to 7 days', async () => {
    const { id } = await draft();
    const now = clock.now();
    const shortest = await ed(api.post(`/v1/articles/${id}/preview`)).send({ expires_in: 60 });
    expect(shortest.body.expires_at).toBe(iso(now + 60_000));
    const longest = await ed(api.post(`/v1/articles/${id}/preview`)).send({ expires_in: 7 * DAY_S });
    expect(longest.body.expires_at).toBe(iso(now + 7 * DAY_S * 1000));
  });

  it.each([
    ['expires_in below a minute', { expires_in: 59 }, 'expires_in'],
    ['expires_in beyond 7 days', { expires_in: 7 * DAY_S + 1 }, 'expires_in'],
    ['expires_in not whole', { expires_in: 90.5 }, 'expires_in'],
    ['expires_in as text', { expires_in: '3600' }, 'expires_in'],
    ['expires_in null', { expires_in: null }, 'expires_in'],
    ['revision 0', { revision: 0 }, 'revision'],
    ['a revision the article lacks', { revision: 9 }, 'revision'],
    ['an unknown field', { revision: 1, token: 'mine' }, 'token'],
  ])('refuses %s with a 400 problem and stores nothing', async (_case, body, path) => {
    const { id } = await draft();
    const [links, audits] = [await countLinks(), await countAudit()];
    const res = await ed(api.post(`/v1/articles/${id}/preview`)).send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'body', path })]);
    expect([await countLinks(), await countAudit()]).toEqual([links, audits]);
  });

  it('answers 404 for an unknown article and 409 for an archived one, storing nothing', async () => {
    const { id } = await draft();
    expect((await root(api.delete(`/v1/articles/${id}`))).status).toBe(204);
    const [links, audits] = [await countLinks(), await countAudit()];
    const missing = await ed(api.post('/v1/articles/no-such-article/preview')).send({});
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    const archived = await ed(api.post(`/v1/articles/${id}/preview`)).send({});
    expect(archived.status).toBe(409);
    expect([await countLinks(), await countAudit()]).toEqual([links, audits]);
  });

  it('needs the editor role: no token is 401, a moderator 403', async () => {
    const { id } = await draft();
    const links = await countLinks();
    expect((await api.post(`/v1/articles/${id}/preview`).send({})).status).toBe(401);
    const refused = await api.post(`/v1/articles/${id}/preview`).set('authorization', moderator.header).send({});
    expect(refused.status).toBe(403);
    expect(await countLinks()).toBe(links);
    expect((await root(api.post(`/v1/articles/${id}/preview`)).send({})).status).toBe(201);
  });
});

describe('GET /v1/preview/{token}', () => {
  it('answers without a token, never cached, never indexed, with no ETag or surrogate keys', async () => {
    const { id } = await draft();
    const { token } = await createPreview(id);
    for (let i = 0; i < 2; i++) {
      const res = await api.get(`/v1/preview/${token}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers['x-robots-tag']).toBe('noindex');
      // The second read is answered afresh: the response cache never held the first.
      for (const name of ['etag', 'surrogate-key', 'cache-tag', 'x-cache']) expect(res.headers[name]).toBeUndefined();
    }
  });

  it('ignores the tracking parameters that mail and chat append to a shared link', async () => {
    const { id } = await draft();
    const { token } = await createPreview(id);
    const plain = await api.get(`/v1/preview/${token}`);
    const tracked = await api.get(`/v1/preview/${token}?utm_source=mail&utm_medium=email&fbclid=x`);
    expect(tracked.status).toBe(200);
    expect(tracked.body).toEqual(plain.body);
  });

  it('shows a draft as publishing it would: the public view after publication, but for its dates', async () => {
    const { id, slug } = await draft();
    const { token } = await createPreview(id, { revision: 1 });
    const previewedAt = clock.now();
    const preview = await api.get(`/v1/preview/${token}`);
    expect(preview.status).toBe(200);

    clock.advance(60_000);
    await publish(id, 1);
    const published = await api.get(`/v1/articles/${slug}`);
    expect(published.status).toBe(200);
    // Never published, the preview dates the publication at the moment it is read; the real one
    // happened a minute later. Everything else is the same, tags and credits as the catalogue has them.
    const { published_at, updated_at, ...shown } = preview.body;
    const { published_at: publicAt, updated_at: publicUpdated, ...served } = published.body;
    expect(shown).toEqual(served);
    expect([published_at, updated_at]).toEqual([iso(previewedAt), iso(previewedAt)]);
    expect([publicAt, publicUpdated]).toEqual([iso(previewedAt + 60_000), iso(previewedAt + 60_000)]);
    expect(served).toMatchObject({
      revision: 1,
      body_html: '<p>Un <em>premier</em> paragraphe.</p>\n<p>Un second.</p>',
      tags: [
        { slug: 'technologie', name: 'Technologie' },
        { slug: 'intelligence-artificielle', name: 'Intelligence Artificielle' },
      ],
      credits: [expect.objectContaining({ role: 'image', name: 'Ben Wicks', organization: 'Unsplash' })],
    });
  });

  it('shows a new revision of a published article with the publication date it keeps', async () => {
    const { id, slug } = await draft();
    await publish(id);
    const { token } = await createPreview(id);
    await revise(id, 1, {
      title: 'Titre revu',
      body: '## Nouveau\n\nCorps **revu**.',
      tags: ['Technologie', 'Norvège'],
      credits: [{ role: 'source', name: 'Techcrunch' }],
    });
    clock.advance(1000);
    const preview = await api.get(`/v1/preview/${token}`);
    expect(preview.body).toMatchObject({ revision: 2, title: 'Titre revu' });
    // Readers still see revision 1.
    expect((await api.get(`/v1/articles/${slug}`)).body).toMatchObject({ revision: 1 });

    await publish(id, 2);
    const published = await api.get(`/v1/articles/${slug}`);
    const { updated_at, ...shown } = preview.body;
    const { updated_at: publicUpdated, ...served } = published.body;
    expect(shown).toEqual(served);
    expect(updated_at).toBe(publicUpdated);
  });

  it('names tags and credits as the catalogue does now, as the public view does', async () => {
    const { id, slug } = await draft();
    const creditId = (await ed(api.get(`/v1/articles/${id}`))).body.credits[0].credit_id as number;
    expect((await ed(api.patch('/v1/tags/technologie')).send({ name: 'Tech' })).status).toBe(200);
    expect((await ed(api.patch(`/v1/credits/${creditId}`)).send({ name: 'B. Wicks' })).status).toBe(200);
    const { token } = await createPreview(id);
    const preview = (await api.get(`/v1/preview/${token}`)).body;
    expect(preview.tags[0]).toEqual({ slug: 'technologie', name: 'Tech' });
    expect(preview.credits[0]).toMatchObject({ id: creditId, name: 'B. Wicks' });
    await publish(id);
    const served = (await api.get(`/v1/articles/${slug}`)).body;
    expect([preview.tags, preview.credits]).toEqual([served.tags, served.credits]);
  });

  it('follows the latest revision unless pinned to one', async () => {
    const { id } = await draft('Premier titre');
    const following = await createPreview(id);
    const pinned = await createPreview(id, { revision: 1 });
    await revise(id, 1, { title: 'Second titre', body: 'Corps *deux*.' });
    const latest = await api.get(`/v1/preview/${following.token}`);
    expect(latest.body).toMatchObject({
      revision: 2,
      title: 'Second titre',
      body: 'Corps *deux*.',
      body_html: '<p>Corps <em>deux</em>.</p>',
    });
    const fixed = await api.get(`/v1/preview/${pinned.token}`);
    expect(fixed.body).toMatchObject({ revision: 1, title: 'Premier titre' });
  });

  it('answers the same 404 for an unknown, a malformed, an expired and a revoked token', async () => {
    const { id } = await draft();
    const expiring = await createPreview(id, { expires_in: 60 });
    const revoked = await createPreview(id);
    clock.advance(59_999);
    expect((await api.get(`/v1/preview/${expiring.token}`)).status).toBe(200);
    clock.advance(1);
    expect((await ed(api.delete(`/v1/articles/${id}/previews/${revoked.id}`))).status).toBe(204);

    const answers = await Promise.all(
      ['A'.repeat(43), 'not-a-token', 'A'.repeat(300), expiring.token, revoked.token].map((t) =>
        api.get(`/v1/preview/${t}`),
      ),
    );
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(problemOf(res.body)).toEqual(problemOf(answers[0]?.body));
    }
  });

  it('answers 404 once the article is archived', async () => {
    const { id } = await draft();
    const { token } = await createPreview(id);
    expect((await api.get(`/v1/preview/${token}`)).status).toBe(200);
    expect((await root(api.delete(`/v1/articles/${id}`))).status).toBe(204);
    expect((await api.get(`/v1/preview/${token}`)).status).toBe(404);
  });

  it('goes by the stored expiry: a link made to expire in the database stops at once', async () => {
    const { id } = await draft();
    const { id: linkId, token } = await createPreview(id);
    await probe.run(sql`update preview_links set expires_at = ${clock.now()} where id = ${linkId}`);
    expect((await api.get(`/v1/preview/${token}`)).status).toBe(404);
  });
});

describe('GET /v1/articles/{article}/previews and DELETE …/previews/{id}', () => {
  it('lists the links newest first with their status, never a token or its hash', async () => {
    const { id, slug } = await draft();
    const start = clock.now();
    const expired = await createPreview(id, { expires_in: 60 });
    const revoked = await createPreview(id, { revision: 1 });
    const active = await createPreview(id, { expires_in: 3600 });
    expect((await ed(api.delete(`/v1/articles/${slug}/previews/${revoked.id}`))).status).toBe(204);
    clock.advance(60_000);

    const list = await ed(api.get(`/v1/articles/${slug}/previews`));
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    const link = { article_id: id, created_at: iso(start), created_by: 'Ada' };
    expect(list.body).toEqual({
      data: [
        {
          ...link,
          id: active.id,
          revision: null,
          expires_at: iso(start + 3_600_000),
          revoked_at: null,
          status: 'active',
        },
        {
          ...link,
          id: revoked.id,
          revision: 1,
          expires_at: iso(start + DAY_S * 1000),
          revoked_at: iso(start),
          status: 'revoked',
        },
        {
          ...link,
          id: expired.id,
          revision: null,
          expires_at: iso(start + 60_000),
          revoked_at: null,
          status: 'expired',
        },
      ],
      meta: { next_cursor: null },
    });
    const text = JSON.stringify(list.body);
    for (const { token } of [expired, revoked, active]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(sha256(token));
    }

    const first = await ed(api.get(`/v1/articles/${id}/previews?limit=2`));
    expect(first.body.data.map((l: { id: number }) => l.id)).toEqual([active.id, revoked.id]);
    const rest = await ed(api.get(`/v1/articles/${id}/previews?limit=2&cursor=${first.body.meta.next_cursor}`));
    expect(rest.body).toEqual({ data: [expect.objectContaining({ id: expired.id })], meta: { next_cursor: null } });
  });

  it("lists only the article's own links", async () => {
    const one = await draft();
    const other = await draft();
    await createPreview(other.id);
    const list = await ed(api.get(`/v1/articles/${one.id}/previews`));
    expect(list.body).toEqual({ data: [], meta: { next_cursor: null } });
  });

  it('revokes once: a second DELETE is 204 too and keeps the first time; both are audited once, without the token', async () => {
    const { id } = await draft();
    const link = await createPreview(id, { revision: 1 });
    const revokedAt = clock.now();
    expect((await ed(api.delete(`/v1/articles/${id}/previews/${link.id}`))).status).toBe(204);
    clock.advance(5000);
    const again = await ed(api.delete(`/v1/articles/${id}/previews/${link.id}`));
    expect(again.status).toBe(204);
    const listed = (await ed(api.get(`/v1/articles/${id}/previews`))).body.data[0];
    expect(listed).toMatchObject({ revoked_at: iso(revokedAt), status: 'revoked' });

    const audit = await root(api.get(`/v1/audit?article_id=${id}`));
    const entries = audit.body.data.filter((e: { action: string }) => e.action.startsWith('preview.'));
    const entry = (action: string, at: number) => ({
      id: expect.any(Number),
      at: iso(at),
      actor: 'Ada',
      action,
      article_id: id,
      subject_type: 'preview_link',
      subject_id: String(link.id),
      details: { revision: 1, expires_at: iso(revokedAt + DAY_S * 1000) },
    });
    expect(entries).toEqual([entry('preview.revoke', revokedAt), entry('preview.create', revokedAt)]);
    expect(JSON.stringify(audit.body)).not.toContain(link.token);
    expect(JSON.stringify(audit.body)).not.toContain(sha256(link.token));
  });

  it("answers 404 for a link that is not the article's, or does not exist", async () => {
    const one = await draft();
    const other = await draft();
    const link = await createPreview(other.id);
    expect((await ed(api.delete(`/v1/articles/${one.id}/previews/${link.id}`))).status).toBe(404);
    expect((await ed(api.delete(`/v1/articles/${one.id}/previews/999999`))).status).toBe(404);
    expect((await ed(api.delete(`/v1/articles/nope/previews/${link.id}`))).status).toBe(404);
    expect((await api.get(`/v1/preview/${link.token}`)).status).toBe(200);
  });

  it('needs the editor role to list or revoke', async () => {
    const { id } = await draft();
    const link = await createPreview(id);
    expect((await api.get(`/v1/articles/${id}/previews`)).status).toBe(401);
    expect((await api.get(`/v1/articles/${id}/previews`).set('authorization', moderator.header)).status).toBe(403);
    expect((await api.delete(`/v1/articles/${id}/previews/${link.id}`)).status).toBe(401);
    const refused = await api.delete(`/v1/articles/${id}/previews/${link.id}`).set('authorization', moderator.header);
    expect(refused.status).toBe(403);
    expect((await api.get(`/v1/preview/${link.token}`)).status).toBe(200);
  });
});
