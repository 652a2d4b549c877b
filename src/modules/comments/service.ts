import type { Config } from '../../config.js';
import { AppError, BadRequestError, ForbiddenError } from '../../errors.js';
import { type ChangeFeed, commentKeys } from '../../shared/changes.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import type { IpHasher } from '../../shared/ip-hash.js';
import type { ArticleResolver } from '../articles/resolver.js';
import { hashAuthorKey, newAuthorKey } from './author-key.js';
import type { Activity, CommentRow, CommentsRepository } from './repository.js';
import {
  type CommentPage,
  type CommentReceipt,
  type CreateCommentBody,
  type ListCommentsQuery,
  MAX_DEPTH,
  type PublicComment,
} from './schemas.js';
import { evaluate, knownAuthor, type RuleSettings, verdictOf } from './spam-rules.js';
import { renderCommentBody } from './text.js';

export interface CommentSettings {
  floodMax: number;
  floodWindowSeconds: number;
  autoApproveKnown: boolean;
  rules: RuleSettings;
}

export function commentSettingsFrom(config: Config): CommentSettings {
  return {
    floodMax: config.COMMENTS_FLOOD_MAX,
    floodWindowSeconds: config.COMMENTS_FLOOD_WINDOW_S,
    autoApproveKnown: config.COMMENTS_AUTO_APPROVE_KNOWN,
    rules: {
      linksModerate: config.COMMENTS_LINKS_MODERATE,
      linksSpam: config.COMMENTS_LINKS_SPAM,
      blockedWords: config.COMMENTS_BLOCKLIST_WORDS,
      blockedEmails: config.COMMENTS_BLOCKLIST_EMAILS,
      blockedIps: config.COMMENTS_BLOCKLIST_IPS,
      moderationWords: config.COMMENTS_MODERATION_WORDS,
    },
  };
}

/** The moderation log's actor for the status the rules give a comment on arrival. */
export const SYSTEM_ACTOR = 'system';

export const iso = (ms: number) => new Date(ms).toISOString();

export function toPublicComment(row: CommentRow): PublicComment {
  return {
    id: row.id,
    parent_id: row.parentId,
    author_name: row.authorName,
    body: row.body,
    body_html: renderCommentBody(row.body),
    created_at: iso(row.createdAt),
  };
}

/** How often a process drops the duplicates no flood window counts any more. */
const PRUNE_DUPLICATES_EVERY_MS = 60_000;

const parentError = (message: string) =>
  new BadRequestError(`Invalid body: parent_id ${message}`, [{ in: 'body', path: 'parent_id', message }]);

export function createCommentsService({
  repo,
  resolver,
  clock,
  settings,
  changes,
  hashIp,
}: {
  repo: CommentsRepository;
  resolver: ArticleResolver;
  clock: Clock;
  settings: CommentSettings;
  changes: ChangeFeed;
  hashIp: IpHasher;
}) {
  const windowMs = settings.floodWindowSeconds * 1000;
  let prunedAt = Number.NEGATIVE_INFINITY;

  /** A reply's depth, or a 400 when the parent is not an approved comment of the article or is too deep. */
  async function replyDepth(articleId: string, parentId: number | null | undefined): Promise<number> {
    if (parentId === null || parentId === undefined) return 0;
    const parent = await repo.findById(parentId);
    if (!parent || parent.articleId !== articleId || parent.status !== 'approved' || parent.erasedAt !== null) {
      throw parentError('is not an approved comment of this article');
    }
    if (parent.depth >= MAX_DEPTH)
      throw parentError(`is a reply at the deepest level; replies nest ${MAX_DEPTH + 1} levels`);
    return parent.depth + 1;
  }

  /**
   * 429 when one IP or one e-mail already posted the maximum within the window; nothing is stored.
   * Duplicates count as well as stored comments: counted from the stored rows alone, a guess that
   * was a duplicate would leave one more comment to the address before its 429, which would tell
   * whether an e-mail had posted that body. Both are counted in the database, so every node
   * counts what was posted to any of them.
   * Checked before the insert rather than inside its transaction: concurrent posts may slip one or
   * two past the limit, which a flood limit can tolerate, and the check stays engine-neutral.
   */
  async function checkFlood(ipHash: string, email: string, now: number) {
    if (windowMs === 0) return;
    const { byIp, byEmail } = await repo.recentActivity({ ipHash, email, since: now - windowMs });
    const over = [byIp, byEmail].filter((a): a is Activity & { oldest: number } => a.count >= settings.floodMax);
    if (over.length === 0) return;
    const freeAt = Math.max(...over.map((a) => a.oldest + windowMs));
    const seconds = Math.max(1, Math.ceil((freeAt - now) / 1000));
    throw new AppError(
      'too_many_requests',
      `Too many comments in a short time: at most ${settings.floodMax} in ${settings.floodWindowSeconds} seconds`,
      {},
      { 'retry-after': String(seconds) },
    );
  }

  /**
   * Drops the duplicates older than the window, at most once a minute per process, so the table
   * stays small without a timer. Housekeeping only: on failure, a later comment prunes.
   */
  async function pruneDuplicates(now: number) {
    if (now - prunedAt < PRUNE_DUPLICATES_EVERY_MS) return;
    prunedAt = now;
    await repo.pruneDuplicates(now - windowMs).catch(() => {});
  }

  return {
    /**
     * Judges and stores a reader's comment. The receipt never tells spam apart from pending, so a
     * spammer learns nothing about which rule caught them; and a duplicate (same article, e-mail and
     * body) is stored once but answered like any new comment, so nobody learns what an e-mail posted.
     */
    async create(name: string, input: CreateCommentBody, ip: string): Promise<CommentReceipt> {
      // A reader's slug from before a rename takes the comment to the article itself: a POST is
      // never redirected, since clients would resend it as a GET, or not at all.
      const { article } = await resolver.public(name);
      if (!article.commentsOpen) throw new ForbiddenError(`Comments are closed on "${name}"`);
      const depth = await replyDepth(article.id, input.parent_id);
      const email = input.author_email.toLowerCase();
      const ipHash = hashIp(ip);
      const now = clock.now();
      await checkFlood(ipHash, email, now);
      const submission = {
        authorName: input.author_name,
        authorEmail: email,
        body: input.body,
        website: input.website,
        ip,
      };
      const findings = evaluate(submission, settings.rules);
      const authorKey = input.author_key ?? newAuthorKey();
      const authorKeyHash = hashAuthorKey(authorKey);
      // A key the client did not send cannot be on an earlier comment: no need to look.
      const isKnown =
        settings.autoApproveKnown && input.author_key !== undefined && (await repo.hasApproved(email, authorKeyHash));
      const known = knownAuthor(isKnown, settings.autoApproveKnown);
      if (known) findings.push(known);
      const status = verdictOf(findings);
      const stored = await repo.insert({
        articleId: article.id,
        parentId: input.parent_id ?? null,
        depth,
        authorName: input.author_name,
        authorEmail: email,
        ipHash,
        authorKeyHash,
        body: input.body,
        status,
        reasons: findings.map(({ rule, detail }) => ({ rule, detail })),
        at: now,
        actor: SYSTEM_ACTOR,
        // A duplicate stores no comment, but the flood limits count it all the same.
        countDuplicate: windowMs > 0,
      });
      if (stored !== null && status === 'approved') changes.emit(commentKeys(article.id));
      await pruneDuplicates(now);
      // The receipt depends on this request alone, never on what is stored: no id, no hint of a duplicate.
      return { status: status === 'approved' ? 'approved' : 'pending', author_key: authorKey };
    },

    /**
     * A published article's approved comments, oldest first; replies carry parent_id for the
     * frontend to thread. The article's id comes along, to name what the page shows for caches.
     * A slug the article was published under before gives its current slug instead, to redirect to.
     */
    async listApproved(
      name: string,
      query: ListCommentsQuery,
    ): Promise<{ movedTo: string; articleId: string } | { movedTo: null; articleId: string; page: CommentPage }> {
      const { article, movedTo } = await resolver.public(name);
      if (movedTo !== null) return { movedTo, articleId: article.id };
      const after = query.cursor ? decodeCursor(query.cursor, ['integer', 'id'] as const) : null;
      const rows = await repo.findApprovedPage({ articleId: article.id, after, limit: query.limit });
      return {
        movedTo: null,
        articleId: article.id,
        page: toPage(rows, query.limit, toPublicComment, (last) => [last.createdAt, last.id]),
      };
    },
  };
}

export type CommentsService = ReturnType<typeof createCommentsService>;
