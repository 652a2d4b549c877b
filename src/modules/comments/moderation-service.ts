import { NotFoundError } from '../../errors.js';
import { type ChangeFeed, commentKeys } from '../../shared/changes.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import type { ArticleResolver } from '../articles/resolver.js';
import type { ChangeResult, CommentsRepository, LogRow, QueueRow } from './repository.js';
import type {
  BulkModerateBody,
  CommentDetail,
  CommentStatus,
  ModeratedComment,
  ModeratedCommentPage,
  ModerationEntry,
  ModerationResult,
  QueueQuery,
} from './schemas.js';
import { iso } from './service.js';
import type { Reason } from './spam-rules.js';

/** What an erased comment shows in place of its author's name and words. */
export const ERASED_NAME = '[deleted]';
export const ERASED_BODY = '';

function toModerated({ comment: c, article }: QueueRow): ModeratedComment {
  return {
    id: c.id,
    article,
    parent_id: c.parentId,
    depth: c.depth,
    author_name: c.authorName,
    author_email: c.authorEmail,
    body: c.body,
    status: c.status,
    reasons: JSON.parse(c.spamReasons) as Reason[],
    erased_at: c.erasedAt === null ? null : iso(c.erasedAt),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

function toEntry(row: LogRow): ModerationEntry {
  return {
    actor: row.actor,
    at: iso(row.at),
    from: row.fromStatus as CommentStatus | null,
    to: row.toStatus as CommentStatus,
    note: row.note,
  };
}

export function createModerationService({
  repo,
  resolver,
  clock,
  changes,
}: {
  repo: CommentsRepository;
  resolver: ArticleResolver;
  clock: Clock;
  changes: ChangeFeed;
}) {
  function announce(results: ChangeResult[]) {
    const articles = new Set(results.flatMap((r) => (r.changed && r.articleId ? [r.articleId] : [])));
    changes.emit([...articles].flatMap(commentKeys));
  }

  async function detail(id: number): Promise<CommentDetail> {
    const row = await repo.findWithArticle(id);
    if (!row) throw new NotFoundError(`No comment with id ${id}`);
    return { ...toModerated(row), moderation_log: (await repo.findLog(id)).map(toEntry) };
  }

  /** An article named by id, current slug or former slug, as editors name it. */
  async function articleId(name: string): Promise<string> {
    return (await resolver.editorial(name)).id;
  }

  return {
    async queue(query: QueueQuery): Promise<ModeratedCommentPage> {
      const after = query.cursor ? decodeCursor(query.cursor, ['integer', 'id'] as const) : null;
      const rows = await repo.findQueuePage({
        status: query.status === 'all' ? null : query.status,
        articleId: query.article === undefined ? null : await articleId(query.article),
        after,
        limit: query.limit,
      });
      return toPage(rows, query.limit, toModerated, (last) => [last.comment.createdAt, last.comment.id]);
    },

    get: detail,

    async moderate(id: number, input: { status: CommentStatus; note?: string | undefined }, actor: string) {
      const [result] = await repo.changeStatus({
        ids: [id],
        to: input.status,
        actor,
        note: input.note || null,
        at: clock.now(),
      });
      if (!result || result.from === null) throw new NotFoundError(`No comment with id ${id}`);
      announce([result]);
      return detail(id);
    },

    /** One transaction for the whole batch; an unknown id is reported, not fatal. */
    async moderateMany(input: BulkModerateBody, actor: string): Promise<{ results: ModerationResult[] }> {
      const results = await repo.changeStatus({
        ids: input.ids,
        to: input.status,
        actor,
        note: input.note || null,
        at: clock.now(),
      });
      announce(results);
      return {
        results: results.map((r) => ({
          id: r.id,
          outcome: r.from === null ? 'not_found' : r.changed ? 'updated' : 'unchanged',
          from: r.from,
          to: r.to,
        })),
      };
    },

    /** Erases the author's personal data; erasing twice is harmless. */
    async erase(id: number, actor: string): Promise<void> {
      const erased = await repo.erase({
        id,
        authorName: ERASED_NAME,
        body: ERASED_BODY,
        actor,
        note: 'personal data erased',
        at: clock.now(),
      });
      if (!erased) throw new NotFoundError(`No comment with id ${id}`);
      changes.emit(commentKeys(erased.articleId));
    },
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
