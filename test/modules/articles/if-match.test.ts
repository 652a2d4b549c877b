import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { createDraftArticle, createToken } from '../../helpers/factories.js';

const { api, services } = await buildTestApp();
const ada = await createToken(services, 'editor', 'Ada');

const view = (id: string) => api.get(`/v1/articles/${id}`).set('authorization', ada.header);
const etagOf = async (id: string) => (await view(id)).headers.etag as string;
const revise = (id: string, ifMatch: string, body: Record<string, unknown>) =>
  api.post(`/v1/articles/${id}/revisions`).set('authorization', ada.header).set('if-match', ifMatch).send(body);
const historyLength = async (id: string) =>
  (await api.get(`/v1/articles/${id}/revisions`).set('authorization', ada.header)).body.data.length;

function problem(id: string, status: number, code: string, title: string, detail: string, extras = {}) {
  return {
    type: `/problems/${code}`,
    title,
    status,
    detail,
    instance: `/v1/articles/${id}/revisions`,
    code,
    request_id: expect.any(String),
    ...extras,
  };
}
const failed = (id: string, detail: string, extras = {}) =>
  problem(id, 412, 'precondition_failed', 'Precondition failed', detail, extras);

describe('If-Match on POST /v1/articles/{id}/revisions', () => {
  it('takes the ETag of the editor view, and the ETag of each answer for the next edit', async () => {
    const article = await createDraftArticle(services, { title: 'Chained' });
    const tag = await etagOf(article.id);
    expect(tag).toMatch(/^"r1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+"$/);
    const first = await revise(article.id, tag, { body: 'One.' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ revision: 2, body: 'One.', merged_onto: null });
    const second = await revise(article.id, first.headers.etag as string, { title: 'Chained twice' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ revision: 3, title: 'Chained twice', body: 'One.' });
  });

  it('still takes a tag of the head after a change that made no revision (comments closed)', async () => {
    const article = await createDraftArticle(services);
    const tag = await etagOf(article.id);
    await api.patch(`/v1/articles/${article.id}`).set('authorization', ada.header).send({ comments_open: false });
    // The view changed, so its ETag did; the revision it names did not.
    expect(await etagOf(article.id)).not.toBe(tag);
    const res = await revise(article.id, tag, { body: 'Edited after the settings changed.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ revision: 2, comments_open: false, merged_onto: null });
  });

  it('merges an edit made on an older revision named by its tag, or refuses it with 409', async () => {
    const article = await createDraftArticle(services, { title: 'Old base', body: 'B' });
    const old = await etagOf(article.id);
    expect((await revise(article.id, old, { title: 'Theirs' })).status).toBe(201);
    const merged = await revise(article.id, old, { body: 'Mine' });
    expect(merged.status).toBe(201);
    expect(merged.body).toMatchObject({ revision: 3, title: 'Theirs', body: 'Mine', merged_onto: 2 });
    const conflict = await revise(article.id, old, { title: 'Mine too' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'conflict', current_revision: 3 });
  });

  it('answers 412 to a weak tag, even of the current view, and writes nothing', async () => {
    const article = await createDraftArticle(services);
    const res = await revise(article.id, `W/${await etagOf(article.id)}`, { title: 'Weak' });
    expect(res.status).toBe(412);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(failed(article.id, 'A weak ETag never matches If-Match; send the ETag as it was given'));
    expect(await historyLength(article.id)).toBe(1);
  });

  it('answers 412 to a tag whose revision part does not match the revision it names', async () => {
    const article = await createDraftArticle(services);
    const tag = await etagOf(article.id);
    const forged = tag.replace(/^"r1\.[^.]{16}\./, '"r1.AAAAAAAAAAAAAAAA.');
    expect(forged).not.toBe(tag);
    const res = await revise(article.id, forged, { title: 'Forged' });
    expect(res.status).toBe(412);
    expect(res.body).toEqual(
      failed(article.id, 'If-Match does not match revision 1 of this article; read it again (its head is revision 1)', {
        current_revision: 1,
      }),
    );
    expect(await historyLength(article.id)).toBe(1);
  });

  it("answers 412 to another article's tag, which names the same revision number", async () => {
    const mine = await createDraftArticle(services);
    const other = await createDraftArticle(services);
    const res = await revise(mine.id, await etagOf(other.id), { title: 'Wrong article' });
    expect(res.status).toBe(412);
    expect(res.body).toEqual(
      failed(mine.id, 'If-Match does not match revision 1 of this article; read it again (its head is revision 1)', {
        current_revision: 1,
      }),
    );
    expect(await historyLength(mine.id)).toBe(1);
  });

  it('answers 412 to a tag of a revision the article does not have', async () => {
    const article = await createDraftArticle(services);
    const tag = (await etagOf(article.id)).replace(/^"r1\./, '"r9.');
    const res = await revise(article.id, tag, { title: 'Future' });
    expect(res.status).toBe(412);
    expect(res.body).toEqual(
      failed(article.id, 'If-Match does not match revision 9 of this article; read it again (its head is revision 1)', {
        current_revision: 1,
      }),
    );
  });

  it.each([
    ['an unquoted tag', 'r1.abc', 'If-Match is not a list of entity tags'],
    ['an unterminated quote', '"r1.abc', 'If-Match is not a list of entity tags'],
    ['an empty header', '', 'If-Match is not a list of entity tags'],
    [
      'a tag that is not an editor ETag',
      '"something-else"',
      'If-Match names no version of this article; send the ETag of GET /v1/articles/{article}',
    ],
    [
      'a tag of the former format',
      '"r1.2jmj7l5rSw0yVb_vlWAYkK_YBwk"',
      'If-Match names no version of this article; send the ETag of GET /v1/articles/{article}',
    ],
    [
      'revision 0',
      '"r0.AAAAAAAAAAAAAAAA.x"',
      'If-Match names no version of this article; send the ETag of GET /v1/articles/{article}',
    ],
    [
      'a list of two tags',
      '"r1.AAAAAAAAAAAAAAAA.x", "r2.AAAAAAAAAAAAAAAA.y"',
      'If-Match must name one ETag: the one of the version this edit was made from',
    ],
  ])('answers 412 to %s', async (_name, header, detail) => {
    const article = await createDraftArticle(services);
    const res = await revise(article.id, header, { title: 'Malformed' });
    expect(res.status).toBe(412);
    expect(res.body).toEqual(failed(article.id, detail));
    expect(await historyLength(article.id)).toBe(1);
  });

  it('answers 428 to If-Match: *, which does not say which version was edited', async () => {
    const article = await createDraftArticle(services);
    const res = await revise(article.id, '*', { title: 'Any' });
    expect(res.status).toBe(428);
    expect(res.body).toEqual(
      problem(
        article.id,
        428,
        'precondition_required',
        'Precondition required',
        'If-Match: * does not say which revision this edit was made from: send base_revision, or If-Match with the article ETag',
      ),
    );
    expect(await historyLength(article.id)).toBe(1);
  });

  it('checks If-Match sent with base_revision too, which must name the same revision', async () => {
    const article = await createDraftArticle(services);
    const tag = await etagOf(article.id);
    const weak = await revise(article.id, `W/${tag}`, { base_revision: 1, title: 'Both, weak' });
    expect(weak.status).toBe(412);
    const disagree = await revise(article.id, tag, { base_revision: 2, title: 'Both, apart' });
    expect(disagree.status).toBe(400);
    expect(disagree.body).toEqual(
      problem(article.id, 400, 'bad_request', 'Bad request', 'base_revision and If-Match name different revisions', {
        errors: [{ in: 'body', path: 'base_revision', message: 'is 2, but If-Match names revision 1' }],
      }),
    );
    expect(await historyLength(article.id)).toBe(1);
    const agree = await revise(article.id, tag, { base_revision: 1, title: 'Both, agreed' });
    expect(agree.status).toBe(201);
  });
});

describe('If-Match on POST /v1/articles/{id}/revisions/{n}/restore', () => {
  const restore = (id: string, ifMatch: string) =>
    api.post(`/v1/articles/${id}/revisions/1/restore`).set('authorization', ada.header).set('if-match', ifMatch);

  it('restores against the revision the tag names, and refuses a bad tag with 412', async () => {
    const article = await createDraftArticle(services, { title: 'Restorable' });
    await revise(article.id, await etagOf(article.id), { title: 'Changed' }).expect(201);
    const tag = await etagOf(article.id);
    const bad = await restore(article.id, tag.replace(/^"r2\./, '"r1.'));
    expect(bad.status).toBe(412);
    expect(bad.body).toMatchObject({ code: 'precondition_failed', current_revision: 2 });
    expect(await historyLength(article.id)).toBe(2);
    const good = await restore(article.id, tag);
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ revision: 3, title: 'Restorable' });
  });
});
