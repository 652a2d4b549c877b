import { type Change, createPatch, diffLines, diffWordsWithSpace } from 'diff';
import type { RevisionDiff } from './editor-schemas.js';
import { changedFields } from './merge.js';
import type { ArticleContent } from './schemas.js';

/** Word diffs of very different long bodies are quadratic; past this budget only the line diff is given. */
const WORD_DIFF_TIMEOUT_MS = 200;

function toChanges(changes: Change[]) {
  return changes.map((c) => ({
    op: c.added ? ('insert' as const) : c.removed ? ('delete' as const) : ('equal' as const),
    value: c.value,
  }));
}

/** What changed from one snapshot to another: each field's old and new value, and the body as text diffs. */
export function diffRevisions(
  from: { number: number; content: ArticleContent } | null,
  to: { number: number; content: ArticleContent },
): RevisionDiff {
  const fields = changedFields(from?.content ?? null, to.content).map((field) => ({
    field,
    old: from ? from.content[field] : null,
    new: to.content[field],
  }));
  const oldBody = from?.content.body ?? '';
  const newBody = to.content.body;
  const fromLabel = from ? `revision ${from.number}` : 'empty';
  const body =
    from !== null && oldBody === newBody
      ? null
      : {
          lines: toChanges(diffLines(oldBody, newBody)),
          words: (() => {
            const words = diffWordsWithSpace(oldBody, newBody, { timeout: WORD_DIFF_TIMEOUT_MS });
            return words ? toChanges(words) : null;
          })(),
          unified: createPatch('body.md', oldBody, newBody, fromLabel, `revision ${to.number}`),
        };
  return { from: from?.number ?? null, to: to.number, fields, body };
}
