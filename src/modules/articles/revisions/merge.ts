import type { ArticleContent } from '../schemas.js';

/** The fields of a revision snapshot, in the order editors read them. */
export const CONTENT_FIELDS = [
  'title',
  'slug',
  'standfirst',
  'body',
  'tags',
  'credits',
  'hero_image',
  'source',
  'ai_generated',
] as const satisfies readonly (keyof ArticleContent)[];
export type ContentField = (typeof CONTENT_FIELDS)[number];

/** JSON with sorted keys, so two equal values compare equal whatever order their keys came in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** The fields that differ from one snapshot to the next; every field when there is no previous one. */
export function changedFields(from: ArticleContent | null, to: ArticleContent): ContentField[] {
  return CONTENT_FIELDS.filter((field) => from === null || !sameValue(from[field], to[field]));
}

export interface FieldConflict {
  base: unknown;
  theirs: unknown;
  yours: unknown;
}

export type MergeOutcome =
  | { kind: 'noop' }
  | { kind: 'write'; content: ArticleContent; changedFields: ContentField[]; mergedOnto: number | null }
  | { kind: 'conflict'; conflicts: Partial<Record<ContentField, FieldConflict>> };

export interface NumberedContent {
  number: number;
  content: ArticleContent;
}

/**
 * Applies an edit made against `base` to the current `head`. The edit's changes are the fields whose
 * value differs from the base. When the head has moved on, the edit merges if none of its changes
 * touches a field changed since the base (or both sides made the same change); otherwise every
 * such field is a conflict and nothing is written. An edit that changes nothing is a no-op.
 *
 * A `whole` edit (a restore) asks for exactly its content: its changes are every field that differs
 * from the head, so the result equals it, or it conflicts where it would undo an unseen change.
 */
export function mergeEdit(
  base: NumberedContent,
  head: NumberedContent,
  edit: Partial<ArticleContent>,
  { whole = false }: { whole?: boolean } = {},
): MergeOutcome {
  const reference = whole ? head.content : base.content;
  const yours = CONTENT_FIELDS.filter((f) => f in edit && !sameValue(edit[f], reference[f]));
  if (base.number !== head.number) {
    const theirs = new Set(changedFields(base.content, head.content));
    const conflicts: Partial<Record<ContentField, FieldConflict>> = {};
    for (const field of yours) {
      if (theirs.has(field) && !sameValue(edit[field], head.content[field])) {
        conflicts[field] = { base: base.content[field], theirs: head.content[field], yours: edit[field] };
      }
    }
    if (Object.keys(conflicts).length > 0) return { kind: 'conflict', conflicts };
  }
  const content: ArticleContent = { ...head.content };
  for (const field of yours) Object.assign(content, { [field]: edit[field] });
  const changed = changedFields(head.content, content);
  if (changed.length === 0) return { kind: 'noop' };
  return {
    kind: 'write',
    content,
    changedFields: changed,
    mergedOnto: base.number === head.number ? null : head.number,
  };
}
