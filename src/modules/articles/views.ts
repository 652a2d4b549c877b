import { renderMarkdown } from '../../shared/markdown.js';
import { memoizeText } from '../../shared/text-memo.js';
import type { EditorArticle, EditorArticleSummary, RevisionSummary } from './editor-schemas.js';
import type { EditorRecord, EditorStatus, RevisionRow, ScheduleRow } from './revisions/revisions-repository.js';
import type { ArticleContent } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A schedule that failed is kept to be shown, but it is no longer pending. */
const pending = (schedule: ScheduleRow | null) => (schedule && schedule.failedAt === null ? schedule : null);

/** "scheduled" is not stored: it is an unpublished article with a pending publication. */
export function statusOf({ article, schedule }: EditorRecord): EditorStatus {
  return pending(schedule) && article.status !== 'published' ? 'scheduled' : article.status;
}

function failureOf(schedule: ScheduleRow | null) {
  if (!schedule || schedule.failedAt === null) return null;
  return {
    revision: schedule.revision,
    at: iso(schedule.at),
    failed_at: iso(schedule.failedAt),
    reason: schedule.failureReason ?? '',
  };
}

export const contentOf = (revision: RevisionRow) => JSON.parse(revision.snapshot) as ArticleContent;

function commonFields(record: EditorRecord) {
  const { article } = record;
  const schedule = pending(record.schedule);
  return {
    id: article.id,
    lang: article.lang,
    status: statusOf(record),
    revision: article.headRevision,
    published_revision: article.publishedRevision,
    published_at: article.publishedAt === null ? null : iso(article.publishedAt),
    scheduled: schedule ? { revision: schedule.revision, at: iso(schedule.at) } : null,
    schedule_failure: failureOf(record.schedule),
    updated_at: iso(article.updatedAt),
  };
}

/**
 * A body as readers will see it once published. The one renderer: publishing stores what it gives
 * (PublishingService's default `render`), and editor views render it when they are answered, so a
 * draft's HTML is never stored and never differs from its published HTML.
 */
export const bodyHtmlOf = (content: ArticleContent) => renderBody(content.body);

/**
 * Revisions never change, so a body read again (a preview refreshed, an editor's view) is not
 * rendered again: a body at the size limit takes most of a second to render. About 8 MB at most.
 */
const renderBody = memoizeText(renderMarkdown, 4_000_000);

export function toEditorArticle(record: EditorRecord): EditorArticle {
  const content = contentOf(record.head);
  return {
    view: 'editor',
    ...commonFields(record),
    comments_open: record.article.commentsOpen,
    comment_count: record.article.commentCount,
    created_at: iso(record.article.createdAt),
    ...content,
    body_html: bodyHtmlOf(content),
  };
}

export function toEditorSummary(record: EditorRecord): EditorArticleSummary {
  const content = contentOf(record.head);
  return { ...commonFields(record), slug: content.slug, title: content.title };
}

export function toRevisionSummary(row: RevisionRow, publishedRevision: number | null): RevisionSummary {
  return {
    number: row.number,
    created_at: iso(row.createdAt),
    author: row.author,
    message: row.message,
    changed_fields: JSON.parse(row.changedFields) as string[],
    merged_onto: row.mergedOnto,
    published: row.number === publishedRevision,
  };
}
