/**
 * What writing a revision decides, the same on both engines: which slug claims the commit makes,
 * the article_revisions row it inserts and its audit entry. The repositories only run the statements.
 */
import type { AuditEntry } from '../../audit/repository.js';
import { articleEvent, type EventInput } from '../../events/catalogue.js';
import type { AuditFields } from '../publishing/read-model.js';
import type { ArticleContent } from '../schemas.js';

export interface SlugPlan {
  /**
   * What the commit does about the slug in article_slugs: claim it for the article (it fails when
   * another article holds it) and release the working slugs nothing holds any more, the one the head
   * moved away from among them (see slug-claims.ts); or nothing when the slug is unchanged.
   */
  slugs: 'claim' | 'none';
  /** Whether articles.slug takes the new slug now. */
  moveArticleSlug: boolean;
}

/**
 * The slug rule of a commit that changes the head's slug to `slug`. The new slug is claimed at
 * once, so editors reach the article by it and no other article can take it before it is
 * published; it is not public until then (article_slugs.public_at stays null, readers get 404),
 * and is released if nothing holds it any more before then (see slug-claims.ts).
 * A published article keeps its public slug in articles.slug until the revision with the new one
 * is published; while unpublished, articles.slug moves with the head.
 */
export function slugPlan(article: { publishedRevision: number | null }, headSlug: string, slug: string): SlugPlan {
  const published = article.publishedRevision !== null;
  return { slugs: slug === headSlug ? 'none' : 'claim', moveArticleSlug: !published };
}

export interface RevisionInput {
  articleId: string;
  number: number;
  content: ArticleContent;
  /** The fields the revision changed; a first revision changes every field it has. */
  changedFields?: readonly string[];
  mergedOnto?: number | null;
  message: string | null;
  author: string;
  authorTokenId: number | null;
  at: number;
}

/** The article_revisions row of one revision: its content as a JSON snapshot, and what it changed. */
export function revisionRow(r: RevisionInput) {
  return {
    articleId: r.articleId,
    number: r.number,
    snapshot: JSON.stringify(r.content),
    changedFields: JSON.stringify(r.changedFields ?? Object.keys(r.content)),
    message: r.message,
    author: r.author,
    authorTokenId: r.authorTokenId,
    mergedOnto: r.mergedOnto ?? null,
    createdAt: r.at,
  };
}

/** The audit entry of a written revision: the command's own, naming the revision it made. */
export function revisionAudit(cmd: { articleId: string; at: number }, audit: AuditFields, number: number): AuditEntry {
  return {
    ...audit,
    details: { ...audit.details, revision: number },
    at: cmd.at,
    articleId: cmd.articleId,
    subjectId: cmd.articleId,
  };
}

/** An article's public facts, as an update returns them, for the event a setting change makes. */
export interface PublicFacts {
  status: string;
  slug: string;
  title: string | null;
  revision: number | null;
}

/** A published article whose settings changed (comments opened or closed): its public view changed. */
export function settingEvent(articleId: string, facts: PublicFacts, at: number): EventInput {
  return articleEvent(
    'article.updated',
    { id: articleId, slug: facts.slug, title: facts.title, revision: facts.revision },
    at,
  );
}
