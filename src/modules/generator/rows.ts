/**
 * The rows a generated article and its comments become, the same on every engine: each
 * repository only decides how to send them.
 */
import type { SearchDocument } from '../search/repository.js';
import type { GeneratedComment } from './comments.js';
import type { GeneratedArticle } from './content.js';

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export interface ArticleRows {
  article: {
    id: string;
    slug: string;
    lang: string;
    status: GeneratedArticle['status'];
    headRevision: number;
    publishedRevision: number | null;
    publishedAt: number | null;
    commentsOpen: boolean;
    commentCount: number;
    title: string | null;
    standfirst: string | null;
    body: string | null;
    bodyHtml: string | null;
    heroImage: string | null;
    source: string | null;
    aiGenerated: boolean;
    createdAt: number;
    updatedAt: number;
  };
  slug: { slug: string; articleId: string; publicAt: number | null; createdAt: number };
  revisions: {
    articleId: string;
    number: number;
    snapshot: string;
    changedFields: string;
    message: string | null;
    author: string;
    createdAt: number;
  }[];
  tags: { articleId: string; tagId: number; position: number; publishedAt: number }[];
  credits: { articleId: string; creditId: number; role: string; position: number }[];
  /** The search index entry of a published article; null otherwise. */
  search: SearchDocument | null;
}

/** An article's rows; `tagIds` maps tag slugs to the ids the catalogue got. */
export function articleRows(
  a: GeneratedArticle,
  commentCount: number,
  tagIds: ReadonlyMap<string, number>,
): ArticleRows {
  const published = a.publishedRevision === null ? null : a.revisions[a.publishedRevision - 1]?.content;
  const live = a.status === 'published' && published ? published : null;
  return {
    article: {
      id: a.id,
      slug: a.slug,
      lang: a.lang,
      status: a.status,
      headRevision: a.headRevision,
      publishedRevision: a.publishedRevision,
      publishedAt: a.publishedAt,
      commentsOpen: a.commentsOpen,
      commentCount,
      title: published?.title ?? null,
      standfirst: published?.standfirst ?? null,
      body: published?.body ?? null,
      bodyHtml: a.bodyHtml,
      heroImage: json(published?.hero_image),
      source: json(published?.source),
      aiGenerated: published?.ai_generated ?? false,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    },
    // A published article's slug was served to readers; a draft's stays its working slug.
    slug: {
      slug: a.slug,
      articleId: a.id,
      publicAt: a.publishedRevision === null ? null : (a.publishedAt ?? a.createdAt),
      createdAt: a.createdAt,
    },
    revisions: a.revisions.map((r) => ({
      articleId: a.id,
      number: r.number,
      snapshot: JSON.stringify(r.content),
      changedFields: JSON.stringify(r.changedFields),
      message: r.message,
      author: r.author,
      createdAt: r.createdAt,
    })),
    tags: (live?.tags ?? []).map((tag, position) => {
      const tagId = tagIds.get(tag.slug);
      if (tagId === undefined) throw new Error(`tag ${tag.slug} is not in the catalogue`);
      return { articleId: a.id, tagId, position, publishedAt: a.publishedAt ?? a.createdAt };
    }),
    credits: (live?.credits ?? []).map((credit, position) => {
      if (credit.credit_id === null) throw new Error(`credit ${credit.name} is not in the catalogue`);
      return { articleId: a.id, creditId: credit.credit_id, role: credit.role, position };
    }),
    search: live
      ? { title: live.title, standfirst: live.standfirst, body: live.body, tags: live.tags.map((t) => t.name) }
      : null,
  };
}

/** The approved comments of a list: what an article's comment_count holds. */
export const approvedCount = (list: readonly GeneratedComment[]) => list.filter((c) => c.status === 'approved').length;

/** A comment's row; `parentId` is the stored id of its parent (null for a top-level comment). */
export function commentRow(articleId: string, c: GeneratedComment, parentId: number | null) {
  return {
    articleId,
    parentId,
    depth: c.depth,
    authorName: c.authorName,
    authorEmail: c.authorEmail,
    ipHash: c.ipHash,
    body: c.body,
    status: c.status,
    spamReasons: JSON.stringify(c.spamReasons),
    createdAt: c.createdAt,
    updatedAt: c.moderation?.at ?? c.createdAt,
  };
}

/** The moderation log entry of a comment a moderator or the spam rules moved, or null. */
export function moderationRow(commentId: number, c: GeneratedComment) {
  if (!c.moderation) return null;
  return {
    commentId,
    actor: c.moderation.actor,
    fromStatus: c.moderation.from,
    toStatus: c.status,
    at: c.moderation.at,
  };
}
