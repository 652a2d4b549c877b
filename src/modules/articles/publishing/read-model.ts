import type { AuditEntry } from '../../audit/repository.js';
import { articleEvent, type EventInput } from '../../events/catalogue.js';
import type { ArticleContent } from '../schemas.js';

/** What a command adds to its audit row; the time and the article are the command's own. */
export type AuditFields = Omit<AuditEntry, 'at' | 'articleId' | 'subjectId'>;

/** One revision made public, now or when its schedule comes due. */
export interface Publication {
  articleId: string;
  revision: number;
  /** When the article counts as published; kept from the first publication unless given anew. */
  publishedAt: number;
  bodyHtml: string;
  at: number;
  audit?: AuditFields;
}

/**
 * When an article published at `at` counts as published: an article published before keeps the
 * date of its first publication, unless an editor gives one anew.
 */
export function firstPublishedAt(article: { publishedAt: number | null }, at: number): number {
  return article.publishedAt ?? at;
}

/**
 * The article columns that hold its public revision (the read model the public API serves), as both
 * engines write them: what a publication sets, and what taking it out of the public API clears.
 */
export function publishedColumns(
  content: ArticleContent,
  p: { revision: number; publishedAt: number; bodyHtml: string; at: number },
) {
  return {
    status: 'published' as const,
    slug: content.slug,
    publishedRevision: p.revision,
    publishedAt: p.publishedAt,
    title: content.title,
    standfirst: content.standfirst,
    body: content.body,
    bodyHtml: p.bodyHtml,
    heroImage: content.hero_image ? JSON.stringify(content.hero_image) : null,
    source: content.source ? JSON.stringify(content.source) : null,
    aiGenerated: content.ai_generated,
    publishedUpdatedAt: p.at,
    updatedAt: p.at,
  };
}

export function withdrawnColumns(status: 'draft' | 'archived', at: number) {
  return {
    status,
    publishedRevision: null,
    publishedAt: null,
    title: null,
    standfirst: null,
    body: null,
    bodyHtml: null,
    heroImage: null,
    source: null,
    aiGenerated: false,
    publishedUpdatedAt: null,
    updatedAt: at,
  };
}

/** What the search index holds of a published revision. */
export function searchDocumentOf(content: ArticleContent) {
  return {
    title: content.title,
    standfirst: content.standfirst,
    body: content.body,
    tags: content.tags.map((t) => t.name),
  };
}

/** A first publication (or one after an unpublish) is `published`; a new revision of a public article, `updated`. */
export function publicationEvent(
  wasPublished: boolean,
  content: Pick<ArticleContent, 'slug' | 'title'>,
  p: Pick<Publication, 'articleId' | 'revision' | 'at'>,
): EventInput {
  return articleEvent(
    wasPublished ? 'article.updated' : 'article.published',
    { id: p.articleId, slug: content.slug, title: content.title, revision: p.revision },
    p.at,
  );
}

/** A publication scheduled: which revision, under which slug, and when it is due. */
export function scheduleEvent(s: { articleId: string; slug: string; revision: number; at: number }, now: number) {
  return articleEvent(
    'article.scheduled',
    { id: s.articleId, slug: s.slug, revision: s.revision, publishAt: s.at },
    now,
  );
}

/**
 * A public article out of the public API, named by the slug it had there; null when it was not
 * public (a cancelled schedule, an archived draft): its tombstone in the public feed would show a
 * draft's id and working slug, and no reader ever saw it.
 */
export function withdrawalEvent(
  article: { id: string; slug: string; status: string },
  status: 'draft' | 'archived',
  at: number,
): EventInput | null {
  if (article.status !== 'published') return null;
  const type = status === 'draft' ? 'article.unpublished' : 'article.archived';
  return articleEvent(type, { id: article.id, slug: article.slug }, at);
}
