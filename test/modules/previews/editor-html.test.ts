import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor', 'Ada');
const ed = <T extends { set(name: string, value: string): T }>(req: T) => req.set('authorization', editor.header);

const FIRST_BODY = 'Un *mot* et <script>alert(1)</script> [un lien](https://example.com).\n\n- un\n- deux';
const FIRST_HTML =
  '<p>Un <em>mot</em> et  <a href="https://example.com" rel="noopener noreferrer">un lien</a>.</p>\n' +
  '<ul>\n<li>un</li>\n<li>deux</li>\n</ul>';
const SECOND_BODY = '## Version **deux**\n\nTexte <img src=x onerror=alert(1)>.';
const SECOND_HTML = '<h2>Version <strong>deux</strong></h2>\n<p>Texte <img src="x" />.</p>';

async function draft(title: string) {
  const res = await ed(api.post('/v1/articles')).send({ title, lang: 'fr', body: FIRST_BODY });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string };
}

async function revise(id: string, base: number, body: string) {
  const res = await ed(api.post(`/v1/articles/${id}/revisions`)).send({ base_revision: base, body });
  expect(res.status).toBe(201);
  return res.body as { body_html: string; revision: number };
}

async function publish(id: string, revision: number) {
  expect((await ed(api.post(`/v1/articles/${id}/publish`)).send({ revision })).status).toBe(200);
}

describe("the editor's view of an article", () => {
  it('carries body_html, sanitized, from the create answer on', async () => {
    const { id, slug } = await draft('Vue HTML');
    const view = await ed(api.get(`/v1/articles/${id}`));
    expect(view.status).toBe(200);
    expect(view.body).toEqual({
      view: 'editor',
      id,
      lang: 'fr',
      status: 'draft',
      revision: 1,
      published_revision: null,
      published_at: null,
      scheduled: null,
      schedule_failure: null,
      comments_open: true,
      comment_count: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      title: 'Vue HTML',
      slug,
      standfirst: null,
      body: FIRST_BODY,
      body_html: FIRST_HTML,
      tags: [],
      credits: [],
      hero_image: null,
      source: null,
      ai_generated: false,
    });
    // The slug finds the same view.
    expect((await ed(api.get(`/v1/articles/${slug}`))).body.body_html).toBe(FIRST_HTML);
  });

  it('shows the head revision rendered, while readers still get the published one', async () => {
    const { id, slug } = await draft('Vue de la tête');
    await publish(id, 1);
    const posted = await revise(id, 1, SECOND_BODY);
    expect(posted).toMatchObject({ revision: 2, body_html: SECOND_HTML });
    expect((await ed(api.get(`/v1/articles/${id}`))).body.body_html).toBe(SECOND_HTML);
    expect((await api.get(`/v1/articles/${slug}`)).body.body_html).toBe(FIRST_HTML);
  });

  it('renders exactly what publishing then serves readers', async () => {
    const { id, slug } = await draft('Rendu identique');
    await revise(id, 1, SECOND_BODY);
    const before = (await ed(api.get(`/v1/articles/${id}`))).body.body_html;
    await publish(id, 2);
    const served = await api.get(`/v1/articles/${slug}`);
    expect(served.status).toBe(200);
    expect(served.body.body_html).toBe(before);
  });
});

describe('GET /v1/articles/{id}/revisions/{n}', () => {
  it("carries each revision's own body_html, equal to what publishing that revision serves", async () => {
    const { id, slug } = await draft('Deux révisions');
    await revise(id, 1, SECOND_BODY);
    const first = await ed(api.get(`/v1/articles/${id}/revisions/1`));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      number: 1,
      created_at: expect.any(String),
      author: 'Ada',
      message: null,
      changed_fields: expect.any(Array),
      merged_onto: null,
      published: false,
      content: {
        title: 'Deux révisions',
        slug,
        standfirst: null,
        body: FIRST_BODY,
        tags: [],
        credits: [],
        hero_image: null,
        source: null,
        ai_generated: false,
      },
      body_html: FIRST_HTML,
    });
    const second = await ed(api.get(`/v1/articles/${id}/revisions/2`));
    expect(second.body.body_html).toBe(SECOND_HTML);

    await publish(id, 1);
    expect((await api.get(`/v1/articles/${slug}`)).body.body_html).toBe(first.body.body_html);
    await publish(id, 2);
    expect((await api.get(`/v1/articles/${slug}`)).body.body_html).toBe(second.body.body_html);
  });

  it('shows no HTML in the history list, which has no body either', async () => {
    const { id } = await draft('Liste sans corps');
    const list = await ed(api.get(`/v1/articles/${id}/revisions`));
    expect(list.status).toBe(200);
    expect(list.body.data[0]).not.toHaveProperty('body_html');
    expect(list.body.data[0]).not.toHaveProperty('content');
  });
});
