import { createHash } from 'node:crypto';
import { AppError, BadRequestError } from '../../../errors.js';
import { MAX_ID } from '../../../shared/schemas.js';
import type { ArticleContent } from '../schemas.js';
import { CONTENT_FIELDS, canonical } from './merge.js';

/**
 * An editor's ETag is `"r7.<revision tag>.<body hash>"`. The body hash (etagOf) validates the whole
 * view for If-None-Match. The revision tag names what an edit is made against: revision 7 of this
 * article with this content. If-Match on a write is checked against the revision tag only:
 *
 * - The body hash also covers what changes without a new revision (comments_open, comment_count,
 *   status, updated_at, a revision answer's merged_onto). Requiring it to match the current view
 *   would refuse a client whose base is still the head because a comment was approved meanwhile.
 * - The revision tag pins the exact content the client edited, so a tag of another article, a
 *   made-up or garbled tag, or revision 7 re-made with other content (a database restored from a
 *   backup) is refused with 412 instead of being merged against a base the client never saw.
 * - A tag for an older revision is a legitimate base: the edit is merged or refused with 409, as
 *   with base_revision. Nothing is lost either way.
 */
/** 96 bits: no accidental match, and short enough to keep the tag readable. */
const REVISION_TAG_LENGTH = 16;

export function revisionTag(articleId: string, revision: number, content: ArticleContent): string {
  // The merge's fields and its canonical JSON: content the merge calls equal gets one tag.
  const values = CONTENT_FIELDS.map((field) => content[field]);
  return createHash('sha256')
    .update(canonical([articleId, revision, values]))
    .digest('base64url')
    .slice(0, REVISION_TAG_LENGTH);
}

/** What etagOf puts before the body hash in an editor's ETag. */
export function editorEtagPrefix(view: ArticleContent & { id: string; revision: number }): string {
  return `r${view.revision}.${revisionTag(view.id, view.revision, view)}.`;
}

/** The revision an edit was made from, and the revision tag to check when If-Match named it. */
export interface EditBase {
  revision: number;
  tag?: string;
}

const preconditionFailed = (detail: string, extras: Record<string, unknown> = {}) =>
  new AppError('precondition_failed', detail, extras);

/**
 * RFC 9110 §8.8.3: an entity tag, optionally weak, in a comma-separated list whose empty elements
 * a recipient must accept and ignore (§5.6.1): `"a", , "b",` is the list of `"a"` and `"b"`.
 */
const ENTITY_TAG = /\s*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?\s*(,|$)/y;
const EDITOR_TAG = /^r([1-9]\d{0,9})\.([A-Za-z0-9_-]{16})\.[A-Za-z0-9_-]+$/;

function entityTags(header: string): { weak: boolean; opaque: string }[] | null {
  const tags: { weak: boolean; opaque: string }[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < header.length) {
    const match = ENTITY_TAG.exec(header);
    if (!match) return null;
    if (match[2] !== undefined) tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    if (match[3] === '') break;
  }
  return ENTITY_TAG.lastIndex === header.length && tags.length > 0 ? tags : null;
}

/**
 * Reads If-Match on an edit. `*` matches any current representation (RFC 9110 §13.1.1), which
 * says nothing of the version edited: taking the head would overwrite whatever was written since,
 * so it is answered 428, as a missing precondition is. A weak tag never matches If-Match (strong
 * comparison), and a tag that is not one editor ETag cannot name a base: both are 412.
 */
export function parseIfMatch(header: string | undefined): EditBase | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') {
    throw new AppError(
      'precondition_required',
      'If-Match: * does not say which revision this edit was made from: send base_revision, or If-Match with the article ETag',
    );
  }
  const tags = entityTags(header);
  if (!tags) throw preconditionFailed('If-Match is not a list of entity tags');
  if (tags.length > 1) {
    throw preconditionFailed('If-Match must name one ETag: the one of the version this edit was made from');
  }
  const [tag] = tags;
  if (tag?.weak) throw preconditionFailed('A weak ETag never matches If-Match; send the ETag as it was given');
  const parts = EDITOR_TAG.exec(tag?.opaque ?? '');
  if (!parts?.[1] || !parts[2] || Number(parts[1]) > MAX_ID) {
    throw preconditionFailed('If-Match names no version of this article; send the ETag of GET /v1/articles/{article}');
  }
  return { revision: Number(parts[1]), tag: parts[2] };
}

/** base_revision in the body, or If-Match; both may be sent, but must then name the same revision. */
export function editBaseOf(baseRevision: number | undefined, ifMatch: string | undefined): EditBase | undefined {
  const fromHeader = parseIfMatch(ifMatch);
  if (baseRevision === undefined) return fromHeader;
  if (fromHeader && fromHeader.revision !== baseRevision) {
    throw new BadRequestError('base_revision and If-Match name different revisions', [
      {
        in: 'body',
        path: 'base_revision',
        message: `is ${baseRevision}, but If-Match names revision ${fromHeader.revision}`,
      },
    ]);
  }
  return fromHeader ?? { revision: baseRevision };
}

/** Checked against the stored revision, inside the edit's transaction. */
export function assertTagMatches(
  articleId: string,
  base: EditBase,
  stored: ArticleContent | undefined,
  head: number,
): void {
  if (base.tag === undefined) return;
  if (!stored || revisionTag(articleId, base.revision, stored) !== base.tag) {
    throw preconditionFailed(
      `If-Match does not match revision ${base.revision} of this article; read it again (its head is revision ${head})`,
      { current_revision: head },
    );
  }
}
