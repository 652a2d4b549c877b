import { type AnyColumn, and, eq, isNotNull, isNull, ne, or, type SQL } from 'drizzle-orm';

export type EditorStatus = 'draft' | 'scheduled' | 'published' | 'archived';

/** The columns an editor status is read from, in whichever engine's schema. */
export interface StatusColumns {
  status: AnyColumn;
  /** article_schedules.article_id, left-joined: null when the article has no schedule row. */
  scheduleArticleId: AnyColumn;
  scheduleFailedAt: AnyColumn;
}

/**
 * "scheduled" is not stored: it is an unpublished article with a pending schedule. A schedule row
 * that failed is kept to be shown, but it no longer makes the article "scheduled".
 */
export function editorStatusFilter(status: EditorStatus, c: StatusColumns): SQL | undefined {
  const pending = and(isNotNull(c.scheduleArticleId), isNull(c.scheduleFailedAt));
  switch (status) {
    case 'draft':
      return and(eq(c.status, 'draft'), or(isNull(c.scheduleArticleId), isNotNull(c.scheduleFailedAt)));
    case 'scheduled':
      return and(ne(c.status, 'published'), pending);
    case 'published':
      return eq(c.status, 'published');
    case 'archived':
      return eq(c.status, 'archived');
  }
}
