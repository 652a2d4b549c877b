/**
 * What erasing a comment's personal data writes, the same on both engines. The row stays, so
 * replies keep their parent; what identifies or was written by the author goes.
 */

export interface Erasure {
  id: number;
  /** What the comment shows in place of the author's name and text. */
  authorName: string;
  body: string;
  actor: string;
  note: string;
  at: number;
}

/** The comment columns an erasure sets: the author's name, e-mail, keys and text blanked. */
export function erasedColumns(e: Erasure) {
  return {
    authorName: e.authorName,
    authorEmail: null,
    ipHash: null,
    authorKeyHash: null,
    body: e.body,
    erasedAt: e.at,
    updatedAt: e.at,
  };
}

/** The moderation log entry of an erasure: logged as a change that leaves the status as it was. */
export function erasureLogEntry<S extends string>(e: Erasure, status: S) {
  return { commentId: e.id, actor: e.actor, fromStatus: status, toStatus: status, note: e.note, at: e.at };
}
