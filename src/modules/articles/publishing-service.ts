import { ConflictError, ValidationError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import { type ChangeFeed, publicationKeys } from '../../shared/changes.js';
import type { Clock } from '../../shared/clock.js';
import { renderMarkdown } from '../../shared/markdown.js';
import type { EditorArticle, PublishBody } from './editor-schemas.js';
import type { EditorService } from './editor-service.js';
import type { PublishingRepository } from './publishing-repository.js';
import type { RevisionsRepository } from './revisions-repository.js';
import { contentOf, statusOf, toEditorArticle } from './views.js';

/**
 * Another process (the CLI, or another node on a shared database) may add a schedule this one
 * does not know of; the next due time is re-read at most this often.
 */
const RECHECK_MS = 1_000;

export function createPublishingService({
  repo,
  revisions,
  editor,
  clock,
  changes,
}: {
  repo: PublishingRepository;
  revisions: RevisionsRepository;
  editor: EditorService;
  clock: Clock;
  changes: ChangeFeed;
}) {
  // Scheduled publications happen lazily, on the first request at or after their time, with no
  // timer or cron. The hot path is one comparison against this in-memory next due time.
  let nextDue: number | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;

  async function applyDue(): Promise<void> {
    const now = clock.now();
    const due = nextDue !== null && now >= nextDue;
    if (!due && now - checkedAt < RECHECK_MS) return;
    checkedAt = now;
    nextDue = await repo.nextDueAt();
    if (nextDue !== null && now >= nextDue) {
      const published = await repo.applyDue(now, renderMarkdown);
      changes.emit(published.flatMap(publicationKeys));
      nextDue = await repo.nextDueAt();
    }
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

    /** Publishes a revision (default: the head) now, or schedules it when `at` is in the future. */
    async publish(id: string, body: PublishBody, actor: Actor): Promise<EditorArticle> {
      const { article } = await editor.record(id);
      // Archiving is an admin's decision; an editor's publish must not quietly undo it.
      if (article.status === 'archived') {
        throw new ConflictError('The article is archived: archived articles cannot be published');
      }
      const number = body.revision ?? article.headRevision;
      const revision = await revisions.findRevision(id, number);
      if (!revision) {
        throw new ValidationError('Invalid body: revision', [
          { in: 'body', path: 'revision', message: `the article has no revision ${number}` },
        ]);
      }
      const now = clock.now();
      const at = body.at === undefined ? null : Date.parse(body.at);
      if (at !== null && at > now) {
        await repo.schedule({
          articleId: id,
          revision: number,
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
          articleId: id,
          revision: number,
          publishedAt: at ?? article.publishedAt ?? now,
          bodyHtml: renderMarkdown(contentOf(revision).body),
          at: now,
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
    async unpublish(id: string, actor: Actor): Promise<EditorArticle> {
      const current = await editor.record(id);
      const status = statusOf(current);
      if (status !== 'published' && status !== 'scheduled') {
        throw new ConflictError(`The article is ${status}: there is nothing to unpublish`);
      }
      await withdraw(id, 'draft', 'article.unpublish', actor);
      return toEditorArticle(await editor.record(id));
    },

    /** Archives: gone from the public API for good, history kept. Archiving twice changes nothing. */
    async archive(idOrSlug: string, actor: Actor): Promise<void> {
      const current = await editor.recordByIdOrSlug(idOrSlug);
      const id = current.article.id;
      if (current.article.status === 'archived') return;
      await withdraw(id, 'archived', 'article.archive', actor);
    },
  };
}

export type PublishingService = ReturnType<typeof createPublishingService>;
