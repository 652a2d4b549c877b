import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

const { api, services, probe } = await buildTestApp({ config: { COMMENTS_FLOOD_WINDOW_S: 0 } });
const editor = await createToken(services, 'editor');
const admin = await createToken(services, 'admin');
const article = await createPublishedArticle(services);

const TABLES = ['articles', 'article_revisions', 'tags', 'credits', 'comments', 'api_tokens'];
const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      TABLES.map(async (t) => {
        const [row] = await probe.rows<{ n: number }>(sql.raw(`select count(*) as n from ${t}`));
        return [t, Number(row?.n)] as const;
      }),
    ),
  );

/** JSON.stringify writes a lone surrogate as the escape \ud800, exactly as a hostile client sends it. */
function post(path: string, body: unknown, authorization?: string) {
  const req = api.post(path).set('Content-Type', 'application/json');
  if (authorization) req.set('Authorization', authorization);
  return req.send(JSON.stringify(body));
}

const comment = (overrides: Record<string, unknown> = {}) => ({
  author_name: 'Reader',
  author_email: 'reader@example.org',
  body: 'A thought',
  ...overrides,
});
const articleBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'A title',
  lang: 'en',
  body: 'Text',
  ...overrides,
});

const ILL_FORMED = 'must be well-formed Unicode text: it holds a lone surrogate, which no character encodes';
const SPOOFING = 'must not contain bidi controls or invisible characters';

describe('ill-formed text', () => {
  it.each([
    [
      'a comment body',
      `/v1/articles/${article.slug}/comments`,
      comment({ body: 'hi \ud800 there' }),
      'body',
      undefined,
    ],
    ['a tag name', '/v1/tags', { name: 'tag\udc00' }, 'name', editor.header],
    ['an article’s tag', '/v1/articles', articleBody({ tags: ['ok', 'bad\ud83d'] }), 'tags.1', editor.header],
    [
      'a credit nested in an article',
      '/v1/articles',
      articleBody({ credits: [{ role: 'image', name: 'Ben\ud800' }] }),
      'credits.0.name',
      editor.header,
    ],
    ['an article body', '/v1/articles', articleBody({ body: 'x\udfff' }), 'body', editor.header],
    ['a field the schema does not know', '/v1/tags', { name: 'ok', extra: '\ud800' }, 'extra', editor.header],
  ])('in %s is refused with a 400 naming its path, and nothing is stored', async (_, path, body, field, auth) => {
    const before = await counts();
    const res = await post(path, body, auth);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual({
      type: '/problems/validation_failed',
      title: 'Validation failed',
      status: 400,
      detail: `Invalid body: ${field}`,
      instance: path,
      code: 'validation_failed',
      request_id: expect.any(String),
      errors: [{ in: 'body', path: field, message: ILL_FORMED }],
    });
    expect(await counts()).toEqual(before);
  });

  it('in a key of the body is refused too', async () => {
    const res = await post('/v1/tags', { name: 'ok', ['k\ud800']: 1 }, editor.header);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ in: 'body', path: 'k\ufffd', message: ILL_FORMED }]);
  });

  it('with paired surrogates (emoji) is stored and read back as sent', async () => {
    const res = await post('/v1/tags', { name: 'Space 🚀' }, editor.header).expect(201);
    expect(res.body.name).toBe('Space 🚀');
    expect((await api.get(`/v1/tags/${res.body.slug}`).set('Authorization', editor.header)).body.name).toBe('Space 🚀');
  });
});

describe('bidi controls and invisible characters', () => {
  it.each([
    ['a tag name (right-to-left override)', '/v1/tags', { name: 'exe\u202Egnp' }, 'name', editor.header],
    ['a credit name (zero-width space)', '/v1/credits', { name: 'Ben\u200BWicks' }, 'name', editor.header],
    [
      'a credit URL (zero-width space in the host)',
      '/v1/credits',
      { name: 'Ben', url: 'https://unspl\u200Bash.com/' },
      'url',
      editor.header,
    ],
    [
      'a credit organization (word joiner)',
      '/v1/credits',
      { name: 'Ben', organization: 'Un\u2060splash' },
      'organization',
      editor.header,
    ],
    [
      'a comment author (isolate)',
      `/v1/articles/${article.slug}/comments`,
      comment({ author_name: 'Admin\u2067' }),
      'author_name',
      undefined,
    ],
    ['a token name (BOM)', '/v1/tokens', { name: '\uFEFFci', role: 'editor' }, 'name', admin.header],
    [
      'a hero image URL (override in the path)',
      '/v1/articles',
      articleBody({ hero_image: { url: 'https://img.example/\u202Egpj.exe', alt: 'a' } }),
      'hero_image.url',
      editor.header,
    ],
    [
      'a source URL (soft hyphen)',
      '/v1/articles',
      articleBody({ source: { name: 'Techcrunch', url: 'https://tech\u00ADcrunch.com/' } }),
      'source.url',
      editor.header,
    ],
    [
      'an article’s tag (zero-width joiner)',
      '/v1/articles',
      articleBody({ tags: ['AI\u200D'] }),
      'tags.0',
      editor.header,
    ],
    [
      'an article’s credit by value (left-to-right mark)',
      '/v1/articles',
      articleBody({ credits: [{ role: 'image', name: 'Ben\u200E' }] }),
      'credits.0.name',
      editor.header,
    ],
  ])('in %s are refused with a 400 naming the field, and nothing is stored', async (_, path, body, field, auth) => {
    const before = await counts();
    const res = await post(path, body, auth);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(res.body.errors).toContainEqual({ in: 'body', path: field, message: SPOOFING });
    expect(await counts()).toEqual(before);
  });

  it('stay allowed in prose: emoji sequences and right-to-left marks in a comment and an article body', async () => {
    const prose = 'שלום, world\u200F! 👩\u200D💻 and a soft\u00ADhyphen';
    await post(`/v1/articles/${article.slug}/comments`, comment({ body: prose })).expect(202);
    const res = await post(
      '/v1/articles',
      articleBody({ body: prose, title: 'مرحبا\u200F!', slug: 'rtl-greeting' }),
      editor.header,
    ).expect(201);
    expect(res.body).toMatchObject({ body: prose, title: 'مرحبا\u200F!' });
  });

  it('stay allowed as letters of any script in names', async () => {
    const res = await post('/v1/credits', { name: 'محمد Ølsen', organization: '東京' }, editor.header).expect(201);
    expect(res.body).toMatchObject({ name: 'محمد Ølsen', organization: '東京' });
  });
});

describe('a lone surrogate percent-encoded in the URL', () => {
  // %ED%A0%80 is what a lone U+D800 would be in UTF-8: no decoder makes a string of it, so the
  // path and query never carry one, and only a JSON body (with "\ud800") can.
  it('in the path is refused by the router as bytes that do not decode', async () => {
    const res = await api.get('/v1/articles/%ED%A0%80');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      type: '/problems/bad_request',
      title: 'Bad request',
      status: 400,
      detail: 'The URL holds a percent-encoded sequence that does not decode',
      instance: '/v1/articles/%ED%A0%80',
      code: 'bad_request',
      request_id: expect.any(String),
    });
  });

  it('in the query stays the percent-encoded text it was, which the schema then judges', async () => {
    const res = await api.get('/v1/articles?tag=%ED%A0%80');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { in: 'query', path: 'tag', message: 'must be lower-case letters, digits and single dashes' },
    ]);
  });
});
