import { commentEvent } from '../events/catalogue.js';
import type { ChangeResult, CommentRow, Status, StatusChange } from './repository.js';

/**
 * What moving the comments `change.ids` to `change.to` does, given their rows as read (and, on
 * PostgreSQL, locked) in the writing transaction: one result per id, in the order asked, and the
 * rows whose status actually changes. A comment already in the status is left alone and not logged.
 */
export function planStatusChange(
  change: Pick<StatusChange, 'ids' | 'to'>,
  found: readonly CommentRow[],
): { results: ChangeResult[]; changed: CommentRow[] } {
  const byId = new Map(found.map((row) => [row.id, row]));
  const changed: CommentRow[] = [];
  const results = change.ids.map((id): ChangeResult => {
    const row = byId.get(id);
    if (!row) return { id, articleId: null, from: null, to: null, changed: false };
    if (row.status === change.to)
      return { id, articleId: row.articleId, from: row.status, to: row.status, changed: false };
    changed.push(row);
    return { id, articleId: row.articleId, from: row.status, to: change.to, changed: true };
  });
  return { results, changed };
}

/** The event of each comment a status change moved: `comment.approved`, `comment.spam`... */
export function statusEvents(changed: readonly CommentRow[], to: Status, at: number) {
  return changed.map((row) => commentEvent(`comment.${to}`, { id: row.id, articleId: row.articleId, status: to }, at));
}
