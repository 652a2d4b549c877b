import { ConflictError, ValidationError } from '../../../errors.js';
import type { Actor } from '../../../shared/actor.js';
import { type ChangeFeed, publicationKeys } from '../../../shared/changes.js';
import type { Clock } from '../../../shared/clock.js';
import { renderMarkdown } from '../../../shared/markdown.js';
import type { EditorArticle, PublishBody } from '../editor-schemas.js';
import type { EditorService } from '../editor-service.js';
import type { RevisionsRepository } from '../revisions/revisions-repository.js';
import { contentOf, statusOf, toEditorArticle } from '../views.js';
import type { DueSchedule, PublishingRepository } from './publishing-repository.js';
import { firstPublishedAt } from './read-model.js';
import { failureReason, isTransient, renderFailure } from './schedule-failures.js';

/** How a node learns of schedules it did not make itself, and of the ones others are applying. */
export interface DuePolicy {
  /**
   * Another process (the CLI, or another node on a shared database) may add a schedule this one
   * does not know of; the next due time is re-read at most this often. A pass that failed as a
   * whole, or that the busy database deferred, waits as long before the next one, so a broken
   * database is not hammered by every request.
   */
  recheckMs: number;
  /**
   * Whether other nodes claim due schedules at the same moment (PostgreSQL's SKIP LOCKED): then a
   * schedule still due after a pass that took every one it was given is held by another node, and
   * is looked at again after recheckMs instead of at every request while that node applies it.
   */
  concurrentClaims: boolean;
}

/** One writer at a time (SQLite): what another process adds is seen within a second. */
export const SINGLE_WRITER_DUE: DuePolicy = { recheckMs: 1_000, concurrentClaims: false };

/**
 * Several nodes on one database (PostgreSQL): a schedule made on one node is seen by every other
 * within a second, with one cheap query per node per second at most while nothing is due.
 */
export const SHARED_DATABASE_DUE: DuePolicy = { recheckMs: 1_000, concurrentClaims: true };

/** The policy for an engine: shared when schedules made by other processes must be looked for in the database. */
export function duePolicyFor(engine: { sharedSchedules: boolean }): DuePolicy {
  return engine.sharedSchedules ? SHARED_DATABASE_DUE : SINGLE_WRITER_DUE;
}

/**
 * The most schedules one request applies (each renders a body): the rest are left to the requests
 * that follow, so no single request pays for a whole morning's schedules.
 */
const DUE_BATCH = 10;

const SCHEDULER = 'fjord scheduler';

/** Where the scheduler reports a failure: the request's logger, so the entry names the request that met it. */
export interface SchedulerLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** For callers with no logger (scripts, tests): a failure is still recorded on the schedule and audited. */
const UNLOGGED: SchedulerLog = { error() {}, warn() {} };

export function createPublishingService({
  repo,
  revisions,
  editor,
  clock,
  changes,
  render = renderMarkdown,
  due = SINGLE_WRITER_DUE,
}: {
  repo: PublishingRepository;
  revisions: RevisionsRepository;
  editor: EditorService;
  clock: Clock;
  changes: ChangeFeed;
  /** Markdown to safe HTML; passed in so tests can make it fail. */
  render?: (markdown: string) => string;
  /** Chosen by the engine; one writer's unless given. */
  due?: DuePolicy;
}) {
  // Scheduled publications happen lazily, on the first request at or after their time, with no
  // timer or cron. The hot path is one comparison against this in-memory next due time.
  let nextDue: number | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;

  /**
   * What publishing revision `number` needs beyond the database, and the check that it can be had:
   * the one path for publishing now, scheduling, and applying a schedule when it comes due.
   */
  async function prepare(articleId: string, number: number): Promise<{ bodyHtml: string }> {
    const revision = await revisions.findRevision(articleId, number);
    if (!revision) {
      throw new ValidationError('Invalid body: revision', [
        { in: 'body', path: 'revision', message: `the article has no revision ${number}` },
      ]);
    }
    try {
      return { bodyHtml: render(contentOf(revision).body) };
    } catch (err) {
      throw renderFailure(number, err);
    }
  }

  /**
   * Applies one due schedule; a failure is recorded on it and never reaches the request. False when
   * deferred: the database was busy with another writer, for the publication or for marking it failed.
   */
  async function applyOne(s: DueSchedule, now: number, log: SchedulerLog): Promise<boolean> {
    const details = { revision: s.revision, scheduled_at: new Date(s.at).toISOString() };
    const deferred = (err: unknown) => {
      log.warn({ err, articleId: s.articleId, ...details }, 'scheduled publication deferred: the database is busy');
      return false;
    };
    try {
      const { bodyHtml } = await prepare(s.articleId, s.revision);
      const audit = { actor: SCHEDULER, action: 'article.publish', subjectType: 'article', details };
      if (await repo.publishScheduled({ ...s, bodyHtml, now, audit })) changes.emit(publicationKeys(s.articleId));
    } catch (err) {
      if (isTransient(err)) return deferred(err);
      const reason = failureReason(err);
      const audit = {
        actor: SCHEDULER,
        action: 'article.schedule_failed',
        subjectType: 'article',
        details: { ...details, reason },
      };
      try {
        // Marked by one request only (on one node only), which alone logs it.
        if (await repo.markScheduleFailed({ ...s, reason, now, audit })) {
          log.error({ err, articleId: s.articleId, ...details, reason }, 'scheduled publication failed');
        }
      } catch (markErr) {
        if (isTransient(markErr)) return deferred(markErr);
        throw markErr;
      }
    }
    return true;
  }

  async function applyPass(now: number, log: SchedulerLog): Promise<void> {
    checkedAt = now;
    // Unknown until read back: if this pass fails, the next one waits recheckMs, not one request.
    const known = nextDue;
    nextDue = null;
    const dueAt = known !== null && now >= known ? known : await repo.nextDueAt();
    if (dueAt !== null && now >= dueAt) {
      // Each in its own transaction, one after the other: a failing one cannot undo or block the others.
      // The first one the busy database defers ends the pass: the others would meet the same lock,
      // and this request would pay for every refusal.
      let deferred = false;
      const found = await repo.findDue(now, DUE_BATCH);
      for (const s of found) {
        deferred = !(await applyOne(s, now, log));
        if (deferred) break;
      }
      // A busy database is given recheckMs before the next try, not the very next request.
      if (deferred) nextDue = now + due.recheckMs;
      else {
        const next = await repo.nextDueAt();
        const heldElsewhere = due.concurrentClaims && found.length < DUE_BATCH && next !== null && now >= next;
        nextDue = heldElsewhere ? now + due.recheckMs : next;
      }
    } else {
      nextDue = dueAt;
    }
  }

  /** Whether a pass would run at `now`: a schedule known to be due, or the next due time not read back for recheckMs. */
  function passNeededAt(now: number): boolean {
    return (nextDue !== null && now >= nextDue) || now - checkedAt >= due.recheckMs;
  }

  /**
   * Publishes what has come due. A schedule that fails is marked failed; only the database failing
   * as a whole makes this throw, and the caller must not let that fail its request.
   */
  function applyDue(log: SchedulerLog = UNLOGGED): Promise<void> {
    const now = clock.now();
    if (!passNeededAt(now)) return Promise.resolve();
    // Concurrent requests wait for the pass under way instead of applying the same rows again.
    running ??= applyPass(now, log).finally(() => {
      running = null;
    });
    return running;
  }

  /** Takes an article out of the public API (unpublish, archive), audited, and purges what it showed. */
  async function withdraw(articleId: string, status: 'draft' | 'archived', action: string, actor: Actor) {
    await repo.withdraw({
      articleId,
      status,
      at: clock.now(),
      audit: { actor: actor.name, action, subjectType: 'article' },
    });
    changes.emit(publicationKeys(articleId));
  }

  return {
    applyDue,

    /**
     * Whether applyDue would do anything now. False means it would return at once: what this process
     * knows to be scheduled is still ahead, and the database was read for others' schedules less
     * than recheckMs ago. A request may then be answered (from the response cache too) with no pass.
     */
    duePassNeeded(): boolean {
      return passNeededAt(clock.now());
    },

    /** Publishes a revision (default: the head) now, or schedules it when `at` is in the future. */
    async publish(name: string, body: PublishBody, actor: Actor): Promise<EditorArticle> {
      const { article } = await editor.record(name);
      const { id } = article;
      // Archiving is an admin's decision; an editor's publish must not quietly undo it.
      if (article.status === 'archived') {
        throw new ConflictError('The article is archived: archived articles cannot be published');
      }
      const number = body.revision ?? article.headRevision;
      // Refused now, with a 4xx, whatever would make the publication fail later.
      const { bodyHtml } = await prepare(id, number);
      const now = clock.now();
      const at = body.at === undefined ? null : Date.parse(body.at);
      const publication = {
        articleId: id,
        revision: number,
        publishedAt: at ?? firstPublishedAt(article, now),
        bodyHtml,
        at: now,
      };
      if (at !== null && at > now) {
        await repo.schedule({
          trial: publication,
          at,
          now,
          audit: {
            actor: actor.name,
            action: 'article.schedule',
            subjectType: 'article',
            details: { revision: number, at: body.at },
          },
        });
        nextDue = nextDue === null ? at : Math.min(nextDue, at);
      } else {
        await repo.publish({
          ...publication,
          audit: {
            actor: actor.name,
            action: 'article.publish',
            subjectType: 'article',
            details: { revision: number },
          },
        });
        changes.emit(publicationKeys(id));
      }
      return toEditorArticle(await editor.record(id));
    },

    /** Back to draft: gone from the public API, and any pending publication is cancelled. */
    async unpublish(name: string, actor: Actor): Promise<EditorArticle> {
      const current = await editor.record(name);
      const { id } = current.article;
      const status = statusOf(current);
      if (status !== 'published' && status !== 'scheduled') {
        throw new ConflictError(`The article is ${status}: there is nothing to unpublish`);
      }
      await withdraw(id, 'draft', 'article.unpublish', actor);
      return toEditorArticle(await editor.record(id));
    },

    /** Archives: gone from the public API for good, history kept. Archiving twice changes nothing. */
    async archive(name: string, actor: Actor): Promise<void> {
      const { id, status } = await editor.named(name);
      if (status === 'archived') return;
      await withdraw(id, 'archived', 'article.archive', actor);
    },
  };
}

export type PublishingService = ReturnType<typeof createPublishingService>;
