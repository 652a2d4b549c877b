import { type ArticleContent, CreateArticleInputSchema } from '../schemas.js';
import { mergeText, type Passage } from './text-merge.js';

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

/** One conflict: a whole field, or for the body one passage of it (`passage` says which). */
export interface FieldConflict {
  field: ContentField;
  passage?: Passage;
  base: unknown;
  theirs: unknown;
  yours: unknown;
}

export type MergeOutcome =
  | { kind: 'noop' }
  | { kind: 'write'; content: ArticleContent; changedFields: ContentField[]; mergedOnto: number | null }
  | { kind: 'conflict'; conflicts: FieldConflict[] };

export interface NumberedContent {
  number: number;
  content: ArticleContent;
}

/**
 * Applies an edit made against `base` to the current `head`. The edit's changes are the fields whose
 * value differs from the base. When the head has moved on, a change to a field the head did not
 * change since the base applies as it is; so does the same change made on both sides. The body,
 * changed on both sides, is merged by paragraph (text-merge.ts): a conflict only where both changed
 * the same passage; a merged body the API would refuse as input (too long, nested too deep)
 * conflicts whole. Any other field changed on both sides is a conflict as a whole. With any
 * conflict nothing is written. An edit that changes nothing is a no-op.
 *
 * A `whole` edit (a restore) asks for exactly its content: its changes are every field that differs
 * from the head, so the result equals it, or it conflicts where it would undo an unseen change; its
 * body is never merged, since a merged body would not be the one restored.
 */
export function mergeEdit(
  base: NumberedContent,
  head: NumberedContent,
  edit: Partial<ArticleContent>,
  { whole = false }: { whole?: boolean } = {},
): MergeOutcome {
  const reference = whole ? head.content : base.content;
  const yours = CONTENT_FIELDS.filter((f) => f in edit && !sameValue(edit[f], reference[f]));
  // Nothing when the head is the base.
  const theirs = new Set(changedFields(base.content, head.content));
  const content: ArticleContent = { ...head.content };
  const conflicts: FieldConflict[] = [];
  for (const field of yours) {
    const mine = edit[field];
    if (!theirs.has(field) || sameValue(mine, head.content[field])) {
      Object.assign(content, { [field]: mine });
    } else if (field === 'body' && !whole) {
      const merged = mergeText(base.content.body, head.content.body, mine as string);
      if (merged.kind === 'conflict') conflicts.push(...merged.conflicts.map((c) => ({ field, ...c })));
      // Two bodies the API took can merge into one it would refuse (too long, nested too deep).
      else if (!CreateArticleInputSchema.shape.body.safeParse(merged.text).success) {
        conflicts.push({ field, base: base.content.body, theirs: head.content.body, yours: mine });
      } else content.body = merged.text;
    } else {
      conflicts.push({ field, base: base.content[field], theirs: head.content[field], yours: mine });
    }
  }
  if (conflicts.length > 0) return { kind: 'conflict', conflicts };
  const changed = changedFields(head.content, content);
  if (changed.length === 0) return { kind: 'noop' };
  return {
    kind: 'write',
    content,
    changedFields: changed,
    mergedOnto: base.number === head.number ? null : head.number,
  };
}
