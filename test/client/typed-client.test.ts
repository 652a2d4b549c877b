/**
 * The API as a frontend meets it: types generated from openapi.yaml by openapi-typescript
 * (npm run client:types), and openapi-fetch calls to a listening server. Paths, parameters, bodies
 * and answers are all typed by the generated file, so a change to openapi.yaml that would break
 * such a client breaks `npm run typecheck` here first.
 */
import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createToken } from '../helpers/factories.js';
import type { components, paths } from './fjord-api.js';

const { app, services } = await buildTestApp();
const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });

/** A client as a frontend builds it: a base URL and, for the private routes, a bearer token. */
async function clientAs(role: 'editor' | 'moderator') {
  const token = await createToken(services, role);
  return { name: token.name, client: createClient<paths>({ baseUrl, headers: { authorization: token.header } }) };
}
const reader = createClient<paths>({ baseUrl });
const { client: ada } = await clientAs('editor');
const { client: bob } = await clientAs('editor');
const { name: moderatorName, client: moderator } = await clientAs('moderator');

/** The body of a successful answer, narrowed from openapi-fetch's result; a problem fails the test and shows it. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${result.response.status} from ${result.response.url}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

/** The problem document of a refused request, narrowed from openapi-fetch's result. */
function refused<E>(result: { data?: unknown; error?: E; response: Response }): E {
  if (result.error === undefined) throw new Error(`expected a problem, got ${result.response.status}`);
  return result.error;
}

/** The document gives a 409 of the revision routes the RevisionConflictProblem body. */
function isRevisionConflict(problem: { status: number }): problem is components['schemas']['RevisionConflictProblem'] {
  return problem.status === 409;
}

const timestamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('an article through the typed client', () => {
  it('is created and published by an editor, then listed and read by a reader', async () => {
    const created = await ada.POST('/v1/articles', {
      body: { title: 'Fjords in winter', lang: 'en', body: 'Dark days.\n\nBright snow.', tags: ['travel'] },
    });
    expect(created.response.status).toBe(201);
    const draft = ok(created);
    expect(draft).toMatchObject({ status: 'draft', revision: 1, slug: 'fjords-in-winter', published_at: null });

    const published = ok(
      await ada.POST('/v1/articles/{article}/publish', { params: { path: { article: draft.id } }, body: {} }),
    );
    expect(published).toMatchObject({ id: draft.id, status: 'published', published_revision: 1 });

    const teaser = {
      id: draft.id,
      slug: 'fjords-in-winter',
      lang: 'en',
      title: 'Fjords in winter',
      standfirst: null,
      tags: [{ slug: 'travel', name: 'travel' }],
      hero_image: null,
      ai_generated: false,
      comment_count: 0,
      published_at: published.published_at,
      updated_at: published.updated_at,
    };
    const page = ok(await reader.GET('/v1/articles', { params: { query: { tag: 'travel', limit: 10 } } }));
    expect(page).toEqual({ view: 'public', data: [teaser], meta: { next_cursor: null } });

    const article = ok(await reader.GET('/v1/articles/{article}', { params: { path: { article: draft.slug } } }));
    // The answer is typed Article | EditorArticle, told apart by `view`.
    if (article.view !== 'public') throw new Error('a reader was given the editor view');
    expect(article).toEqual({
      view: 'public',
      ...teaser,
      body: 'Dark days.\n\nBright snow.',
      body_html: '<p>Dark days.</p>\n<p>Bright snow.</p>',
      credits: [],
      source: null,
      comments_open: true,
      revision: 1,
    });
  });

  it('answers a typed problem for an article that does not exist', async () => {
    const result = await reader.GET('/v1/articles/{article}', { params: { path: { article: 'no-such-article' } } });
    expect(result.response.status).toBe(404);
    expect(result.data).toBeUndefined();
    const problem = refused(result);
    expect(problem.code).toBe('not_found');
    expect(problem).toEqual({
      type: '/problems/not_found',
      title: 'Not found',
      status: 404,
      detail: 'No published article with id or slug "no-such-article"',
      instance: '/v1/articles/no-such-article',
      code: 'not_found',
      request_id: expect.any(String),
    });
  });

  it('refuses a revision on a stale base with a 409 naming the conflict, and keeps the head', async () => {
    const draft = ok(await ada.POST('/v1/articles', { body: { title: 'Base title', lang: 'en', body: 'Body.' } }));
    const path = { article: draft.id };

    const first = await ada.POST('/v1/articles/{article}/revisions', {
      params: { path },
      body: { base_revision: 1, title: 'Title by Ada' },
    });
    expect(first.response.status).toBe(201);
    expect(ok(first)).toMatchObject({ revision: 2, title: 'Title by Ada', body: 'Body.', merged_onto: null });

    const second = await bob.POST('/v1/articles/{article}/revisions', {
      params: { path },
      body: { base_revision: 1, title: 'Title by Bob' },
    });
    expect(second.response.status).toBe(409);
    expect(second.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const conflict = refused(second);
    if (!isRevisionConflict(conflict)) throw new Error(`expected a 409, got ${conflict.status}`);
    expect(conflict.code).toBe('conflict');
    expect(conflict.current_revision).toBe(2);
    // Typed as RevisionConflict[]: each names its field, and a body conflict its passage.
    const [only] = conflict.conflicts ?? [];
    expect(only?.field).toBe('title');
    expect(only?.passage).toBeUndefined();
    expect(conflict).toEqual({
      type: '/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'Revision 2 changed title since revision 1; merge by hand and post against revision 2',
      instance: `/v1/articles/${draft.id}/revisions`,
      code: 'conflict',
      request_id: expect.any(String),
      current_revision: 2,
      conflicts: [{ field: 'title', base: 'Base title', theirs: 'Title by Ada', yours: 'Title by Bob' }],
    });

    const head = ok(await bob.GET('/v1/articles/{article}', { params: { path: { article: draft.id } } }));
    if (head.view !== 'editor') throw new Error('an editor was given the public view');
    expect(head).toMatchObject({ revision: 2, title: 'Title by Ada', body: 'Body.' });
  });
});

describe('a comment through the typed client', () => {
  it('waits for a moderator, who approves it, and then shows on the article', async () => {
    const draft = ok(
      await ada.POST('/v1/articles', { body: { title: 'Open to comments', lang: 'en', body: 'Body.' } }),
    );
    ok(await ada.POST('/v1/articles/{article}/publish', { params: { path: { article: draft.id } }, body: {} }));
    const slug = { article: draft.slug };

    const posted = await reader.POST('/v1/articles/{article}/comments', {
      params: { path: slug },
      body: { author_name: 'Ingrid', author_email: 'ingrid@example.com', body: 'Lovely piece.' },
    });
    expect(posted.response.status).toBe(202);
    expect(ok(posted)).toEqual({ status: 'pending', author_key: expect.any(String) });
    expect(ok(await reader.GET('/v1/articles/{article}/comments', { params: { path: slug } }))).toEqual({
      data: [],
      meta: { next_cursor: null },
    });

    const queue = ok(
      await moderator.GET('/v1/comments', { params: { query: { article: draft.slug, status: 'pending' } } }),
    );
    const waiting = {
      id: expect.any(Number),
      article: { id: draft.id, slug: draft.slug, title: 'Open to comments' },
      parent_id: null,
      depth: 0,
      author_name: 'Ingrid',
      author_email: 'ingrid@example.com',
      body: 'Lovely piece.',
      status: 'pending',
      reasons: [],
      erased_at: null,
      created_at: timestamp,
      updated_at: timestamp,
    };
    expect(queue).toEqual({ data: [waiting], meta: { next_cursor: null } });
    const [pending] = queue.data;
    if (!pending) throw new Error('the queue is empty');

    const approved = ok(
      await moderator.PATCH('/v1/comments/{id}', {
        params: { path: { id: pending.id } },
        body: { status: 'approved', note: 'Kind words' },
      }),
    );
    expect(approved).toEqual({
      ...waiting,
      id: pending.id,
      status: 'approved',
      moderation_log: [
        { actor: 'system', at: pending.created_at, from: null, to: 'pending', note: null },
        { actor: moderatorName, at: timestamp, from: 'pending', to: 'approved', note: 'Kind words' },
      ],
    });

    expect(ok(await reader.GET('/v1/articles/{article}/comments', { params: { path: slug } }))).toEqual({
      data: [
        {
          id: pending.id,
          parent_id: null,
          author_name: 'Ingrid',
          body: 'Lovely piece.',
          body_html: 'Lovely piece.',
          created_at: pending.created_at,
        },
      ],
      meta: { next_cursor: null },
    });
    const article = ok(await reader.GET('/v1/articles/{article}', { params: { path: { article: draft.slug } } }));
    expect(article.comment_count).toBe(1);
  });

  it('is refused to an editor with a typed 403', async () => {
    const result = await ada.GET('/v1/comments', { params: { query: { status: 'pending' } } });
    expect(result.response.status).toBe(403);
    expect(refused(result)).toMatchObject({ status: 403, code: 'forbidden' });
  });
});
