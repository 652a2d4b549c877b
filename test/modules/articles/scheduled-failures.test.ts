import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { toDomainError } from '../../../src/db/errors.js';
import { createPublishingService, duePolicyFor } from '../../../src/modules/articles/publishing/publishing-service.js';
import { renderMarkdown } from '../../../src/shared/markdown.js';
import { buildTestApp, testClock } from '../../helpers/build-app.js';
import { editorClient } from '../../helpers/editor-client.js';
import { createDraftArticle, createPublishedArticle, createToken } from '../../helpers/factories.js';

const HOUR = 60 * 60 * 1000;

/**
 * Publishing with failures injected: the renderer throws for bodies holding a marker that is
 * switched on, the way a renderer throws on a body it cannot take (a RangeError on deep nesting);
 * the repository can be made busy or broken.
 */
const failing = new Set<string>();
let renderFailures = 0;
function render(markdown: string): string {
  for (const marker of failing) {
    if (markdown.includes(marker)) {
      renderFailures++;
      throw new RangeError(
        'Maximum call stack size exceeded\nPlease report this to https://github.com/markedjs/marked.',
      );
    }
  }
  return renderMarkdown(markdown);
}

const faults = { busyOnce: false, brokenDatabase: false };
let nextDueReads = 0;

const clock = testClock();
const { api, services, probe } = await buildTestApp({
  clock,
  // Longer than the hours the clock is moved on, so a response cached before a schedule fails is still held.
  config: { CACHE_MAX_AGE_S: 6 * 3600 },
  adapt: (built, engine) => {
    const real = engine.store.publishing;
    const repo: typeof real = {
      ...real,
      async nextDueAt() {
        nextDueReads++;
        if (faults.brokenDatabase) throw new Error('SQLITE_IOERR: disk I/O error');
        return real.nextDueAt();
      },
      async publishScheduled(s) {
        if (faults.busyOnce) {
          faults.busyOnce = false;
          // What the repository throws when another connection holds the write lock.
          throw toDomainError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
        }
        return real.publishScheduled(s);
      },
    };
    const publishing = createPublishingService({
      repo,
      revisions: engine.store.revisions,
      editor: built.editor,
      clock,
      changes: built.changes,
      render,
      due: duePolicyFor(engine),
    });
    return { ...built, publishing };
  },
});
const editor = await createToken(services, 'editor', 'Ada');
const admin = await createToken(services, 'admin', 'Root');
const ed = editorClient(api, editor.header);
const inAnHour = () => new Date(clock.now() + HOUR).toISOString();
const auditOf = async (id: string) =>
  (await api.get(`/v1/audit?article_id=${id}`).set('authorization', admin.header)).body.data;

/** A request that runs the due-schedule pass first, as every route but the health probe does. */
const anyRequest = () => api.get('/v1/tags');

describe('a scheduled publication that fails when it comes due', () => {
  it('is marked failed with its reason, and every route keeps answering', async () => {
    const live = await createPublishedArticle(services, { title: 'Already live' });
    const doomed = await createPublishedArticle(services, { title: 'To be archived' });
    const bad = await createDraftArticle(services, { title: 'Bad schedule', body: 'Body MARK-A here.' });
    const good = await createDraftArticle(services, { title: 'Good schedule' });
    const at = inAnHour();
    expect((await ed.post(`/v1/articles/${bad.id}/publish`, { at })).body.status).toBe('scheduled');
    expect((await ed.post(`/v1/articles/${good.id}/publish`, { at })).body.status).toBe('scheduled');
    // Cached before the schedules come due, so the cached read is what is tested after.
    expect((await api.get(`/v1/articles/${live.slug}`)).status).toBe(200);

    // It passed the check when scheduled; what it meets when due fails (a changed renderer, say).
    failing.add('MARK-A');
    clock.advance(2 * HOUR);
    const failedAt = new Date(clock.now()).toISOString();
    const tags = await anyRequest();
    expect(tags.status).toBe(200);
    expect(tags.body).toEqual({ data: expect.any(Array), meta: { next_cursor: null } });
    expect(renderFailures).toBe(1);

    const cached = await api.get(`/v1/articles/${live.slug}`);
    expect(cached.status).toBe(200);
    expect(cached.headers['x-cache']).toBe('hit');
    // The other schedule due in the same batch was published.
    expect((await api.get(`/v1/articles/${good.slug}`)).body).toMatchObject({ title: 'Good schedule' });

    const view = await ed.get(`/v1/articles/${bad.id}`);
    expect(view.status).toBe(200);
    expect(view.body).toEqual({
      view: 'editor',
      id: bad.id,
      lang: 'en',
      status: 'draft',
      revision: 1,
      published_revision: null,
      published_at: null,
      scheduled: null,
      schedule_failure: {
        revision: 1,
        at,
        failed_at: failedAt,
        reason: 'its body could not be rendered to HTML (RangeError: Maximum call stack size exceeded)',
      },
      comments_open: true,
      comment_count: 0,
      created_at: expect.any(String),
      updated_at: failedAt,
      title: 'Bad schedule',
      slug: bad.slug,
      standfirst: expect.any(String),
      body: 'Body MARK-A here.',
      // The editor view renders with the app's renderer; only the publication's was made to fail here.
      body_html: '<p>Body MARK-A here.</p>',
      tags: [],
      credits: [],
      hero_image: null,
      source: null,
      ai_generated: false,
    });
    expect((await api.get(`/v1/articles/${bad.slug}`)).status).toBe(404);

    expect((await auditOf(bad.id))[0]).toEqual({
      id: expect.any(Number),
      at: failedAt,
      actor: 'fjord scheduler',
      action: 'article.schedule_failed',
      article_id: bad.id,
      subject_type: 'article',
      subject_id: bad.id,
      details: {
        revision: 1,
        scheduled_at: at,
        reason: 'its body could not be rendered to HTML (RangeError: Maximum call stack size exceeded)',
      },
    });

    // The admin's own tools work.
    expect((await ed.post(`/v1/articles/${live.id}/unpublish`)).status).toBe(200);
    expect((await api.delete(`/v1/articles/${doomed.id}`).set('authorization', admin.header)).status).toBe(204);

    // Never retried: later requests, later times, do not render it again.
    for (let i = 0; i < 5; i++) {
      clock.advance(HOUR);
      expect((await anyRequest()).status).toBe(200);
    }
    expect(renderFailures).toBe(1);
    expect(
      (await auditOf(bad.id)).filter((e: { action: string }) => e.action === 'article.schedule_failed'),
    ).toHaveLength(1);

    const drafts = await ed.get('/v1/articles?status=draft&limit=100');
    expect(drafts.body.data.map((a: { id: string }) => a.id)).toContain(bad.id);
    const scheduled = await ed.get('/v1/articles?status=scheduled&limit=100');
    expect(scheduled.body.data.map((a: { id: string }) => a.id)).not.toContain(bad.id);
    failing.clear();
  });

  it('is cleared by a new schedule, which then publishes', async () => {
    const article = await createDraftArticle(services, { body: 'MARK-B' });
    await ed.post(`/v1/articles/${article.id}/publish`, { at: inAnHour() });
    failing.add('MARK-B');
    clock.advance(2 * HOUR);
    await anyRequest();
    expect((await ed.get(`/v1/articles/${article.id}`)).body.schedule_failure).toMatchObject({ revision: 1 });

    failing.clear();
    const at = inAnHour();
    const again = await ed.post(`/v1/articles/${article.id}/publish`, { at });
    expect(again.body).toMatchObject({ status: 'scheduled', scheduled: { revision: 1, at }, schedule_failure: null });
    clock.advance(2 * HOUR);
    expect((await api.get(`/v1/articles/${article.slug}`)).status).toBe(200);
  });

  it('is cleared by publishing now, and by an unpublish', async () => {
    const published = await createPublishedArticle(services, { title: 'Live one' });
    const next = await ed.post(`/v1/articles/${published.id}/revisions`, { base_revision: 1, body: 'MARK-C' });
    expect(next.status).toBe(201);
    await ed.post(`/v1/articles/${published.id}/publish`, { revision: 2, at: inAnHour() });
    failing.add('MARK-C');
    clock.advance(2 * HOUR);
    await anyRequest();
    const view = (await ed.get(`/v1/articles/${published.id}`)).body;
    // The published revision stays public; the failed one is shown beside it.
    expect(view).toMatchObject({ status: 'published', published_revision: 1, scheduled: null });
    expect(view.schedule_failure).toMatchObject({ revision: 2 });
    expect((await api.get(`/v1/articles/${published.slug}`)).body).toMatchObject({ title: 'Live one', revision: 1 });

    const unpublished = await ed.post(`/v1/articles/${published.id}/unpublish`);
    expect(unpublished.body).toMatchObject({ status: 'draft', schedule_failure: null });

    const other = await createDraftArticle(services, { body: 'MARK-C too' });
    failing.clear();
    await ed.post(`/v1/articles/${other.id}/publish`, { at: inAnHour() });
    failing.add('MARK-C');
    clock.advance(2 * HOUR);
    await anyRequest();
    expect((await ed.get(`/v1/articles/${other.id}`)).body.schedule_failure).not.toBeNull();
    failing.clear();
    const now = await ed.post(`/v1/articles/${other.id}/publish`);
    expect(now.body).toMatchObject({ status: 'published', schedule_failure: null });
  });
});

describe('the log of a failed schedule', () => {
  it('has one error entry, naming the article and the reason, however often applying runs', async () => {
    const article = await createDraftArticle(services, { body: 'MARK-E' });
    await ed.post(`/v1/articles/${article.id}/publish`, { at: inAnHour() });
    failing.add('MARK-E');
    clock.advance(2 * HOUR);
    const entries: { level: string; details: object; message: string }[] = [];
    const log = {
      error: (details: object, message: string) => entries.push({ level: 'error', details, message }),
      warn: (details: object, message: string) => entries.push({ level: 'warn', details, message }),
    };
    for (let i = 0; i < 3; i++) {
      await services.publishing.applyDue(log);
      clock.advance(HOUR);
    }
    failing.clear();
    expect(entries).toEqual([
      {
        level: 'error',
        message: 'scheduled publication failed',
        details: {
          err: expect.objectContaining({ code: 'not_publishable', cause: expect.any(RangeError) }),
          articleId: article.id,
          revision: 1,
          scheduled_at: expect.any(String),
          reason: 'its body could not be rendered to HTML (RangeError: Maximum call stack size exceeded)',
        },
      },
    ]);
  });
});

describe('refusing at schedule time what could not be published', () => {
  it('answers 422 for a body the renderer cannot take, scheduled or now, and stores nothing', async () => {
    const article = await createDraftArticle(services, { body: 'MARK-D' });
    const before = (await ed.get(`/v1/articles/${article.id}`)).body;
    failing.add('MARK-D');
    const refused = await ed.post(`/v1/articles/${article.id}/publish`, { at: inAnHour() });
    const now = await ed.post(`/v1/articles/${article.id}/publish`);
    failing.clear();
    const problem = {
      type: expect.stringMatching(/\/problems\/not_publishable$/),
      title: 'Cannot be published',
      status: 422,
      code: 'not_publishable',
      detail:
        'Revision 1 cannot be published: its body could not be rendered to HTML (RangeError: Maximum call stack size exceeded)',
      revision: 1,
      reason: 'its body could not be rendered to HTML (RangeError: Maximum call stack size exceeded)',
      instance: `/v1/articles/${article.id}/publish`,
      request_id: expect.any(String),
    };
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toEqual(problem);
    expect(now.status).toBe(422);
    expect(now.body).toEqual(problem);
    expect((await ed.get(`/v1/articles/${article.id}`)).body).toEqual(before);
    expect(await probe.rows(sql`select * from article_schedules where article_id = ${article.id}`)).toEqual([]);
    expect((await auditOf(article.id)).map((e: { action: string }) => e.action)).toEqual(['article.create']);
  });

  it("keeps a published article's pending slug from other articles, so its scheduled publication goes through", async () => {
    const article = await createPublishedArticle(services, { slug: 'first-slug' });
    await ed.post(`/v1/articles/${article.id}/revisions`, { base_revision: 1, slug: 'contested-slug' }).expect(201);
    // The revision claimed its slug: a draft asking for it meanwhile gets another one.
    const other = await createDraftArticle(services, { slug: 'contested-slug' });
    expect(other.slug).toBe('contested-slug-2');
    const scheduled = await ed.post(`/v1/articles/${article.id}/publish`, { revision: 2, at: inAnHour() });
    expect(scheduled.status).toBe(200);
    expect((await ed.get(`/v1/articles/${article.id}`)).body).toMatchObject({
      slug: 'contested-slug',
      scheduled: { revision: 2 },
      published_revision: 1,
    });
  });

  it('never answers 500 for a body nested too deep for the real renderer, stored before any bound', async () => {
    // Made through the service, past any bound the request schema may set on nesting, as a row
    // stored before such a bound would be.
    const deep = await createDraftArticle(services, { body: `${'> '.repeat(5000)}deep` });
    const res = await ed.post(`/v1/articles/${deep.id}/publish`, { at: inAnHour() });
    // Whether the renderer copes with it or throws, the answer is never a 500, and what is stored
    // is either a schedule that was checked or nothing.
    expect([200, 422]).toContain(res.status);
    if (res.status === 422) {
      expect(res.body).toMatchObject({ code: 'not_publishable', reason: expect.stringMatching(/^its body could not/) });
      expect((await ed.get(`/v1/articles/${deep.id}`)).body.scheduled).toBeNull();
    }
    clock.advance(2 * HOUR);
    expect((await anyRequest()).status).toBe(200);
  });
});

describe('applying due schedules', () => {
  it('defers a schedule the busy database could not apply, and applies it on a later request', async () => {
    const article = await createDraftArticle(services, { title: 'Busy day' });
    await ed.post(`/v1/articles/${article.id}/publish`, { at: inAnHour() });
    faults.busyOnce = true;
    clock.advance(2 * HOUR);
    expect((await anyRequest()).status).toBe(200);
    const row = () =>
      probe.rows(
        sql`select revision, failed_at, failure_reason from article_schedules where article_id = ${article.id}`,
      );
    expect(await row()).toEqual([{ revision: 1, failed_at: null, failure_reason: null }]);
    // Not tried again by the very next request, but a second later.
    expect((await anyRequest()).status).toBe(200);
    expect(await row()).toHaveLength(1);
    clock.advance(1000);
    expect((await api.get(`/v1/articles/${article.slug}`)).body).toMatchObject({ title: 'Busy day' });
    expect((await auditOf(article.id)).map((e: { action: string }) => e.action)).toEqual([
      'article.publish',
      'article.schedule',
      'article.create',
    ]);
  });

  it('lets requests through when the database fails as a whole, and tries again a second later, not at once', async () => {
    const article = await createDraftArticle(services, { title: 'Broken disk' });
    await ed.post(`/v1/articles/${article.id}/publish`, { at: inAnHour() });
    clock.advance(2 * HOUR);
    faults.brokenDatabase = true;
    const reads = nextDueReads;
    for (let i = 0; i < 5; i++) expect((await anyRequest()).status).toBe(200);
    expect(nextDueReads - reads).toBe(1);
    faults.brokenDatabase = false;
    clock.advance(1000);
    expect((await api.get(`/v1/articles/${article.slug}`)).body).toMatchObject({ title: 'Broken disk' });
  });

  it('reads the next due time at most once a second when nothing is due', async () => {
    clock.advance(HOUR);
    await anyRequest();
    const reads = nextDueReads;
    for (let i = 0; i < 20; i++) await anyRequest();
    expect(nextDueReads).toBe(reads);
    clock.advance(1000);
    await anyRequest();
    expect(nextDueReads).toBe(reads + 1);
  });

  it('applies at most 10 schedules for one request, and the rest on the next ones', async () => {
    const at = inAnHour();
    const drafts: { id: string }[] = [];
    for (let i = 0; i < 12; i++) drafts.push(await createDraftArticle(services, { title: `Batch ${i}` }));
    for (const d of drafts) await ed.post(`/v1/articles/${d.id}/publish`, { at });
    clock.advance(2 * HOUR);
    await anyRequest();
    const ids = drafts.map((d) => d.id);
    const pending = async () =>
      (await probe.rows(sql`select article_id from article_schedules`)).filter((r) =>
        ids.includes(String(r.article_id)),
      );
    expect(await pending()).toHaveLength(2);
    await anyRequest();
    expect(await pending()).toHaveLength(0);
  });
});
