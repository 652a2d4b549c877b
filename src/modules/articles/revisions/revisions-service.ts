import { AppError, ConflictError, NotFoundError, ValidationError } from '../../../errors.js';
import type { Actor } from '../../../shared/actor.js';
import type { Clock } from '../../../shared/clock.js';
import { decodeCursor, toPage } from '../../../shared/cursor.js';
import type { ContentResolver } from '../content.js';
import type { Revision, RevisionBody, RevisionDiff, RevisionPage, RevisionResult } from '../editor-schemas.js';
import type { EditorService } from '../editor-service.js';
import type { ArticleContent } from '../schemas.js';
import { bodyHtmlOf, contentOf, toEditorArticle, toRevisionSummary } from '../views.js';
import type { DiffFormat, DiffSide } from './diff.js';
import { type Differ, inProcessDiffer } from './diff-runner.js';
import { assertTagMatches, type EditBase } from './etag.js';
import { type FieldConflict, mergeEdit } from './merge.js';
import type { RevisionRow, RevisionsRepository, StoredRevision } from './revisions-repository.js';
import { describePassage, paragraphCount } from './text-merge.js';

/** "title, body (paragraph 3, before paragraph 5)": what a 409 says both sides changed. */
function conflictNames(conflicts: FieldConflict[], baseBody: string): string {
  const names = new Map<string, string[]>();
  for (const { field, passage } of conflicts) {
    const passages = names.get(field) ?? [];
    if (passage) passages.push(describePassage(passage, paragraphCount(baseBody)));
    names.set(field, passages);
  }
  return [...names]
    .map(([field, passages]) => (passages.length ? `${field} (${passages.join(', ')})` : field))
    .join(', ');
}

export interface RevisionOutcome {
  /** False when the edit changed nothing and nothing was written. */
  created: boolean;
  result: RevisionResult;
}

export function createRevisionsService({
  repo,
  editor,
  resolver,
  clock,
  differ = inProcessDiffer,
}: {
  repo: RevisionsRepository;
  editor: EditorService;
  resolver: ContentResolver;
  clock: Clock;
  /** Where diffs are computed; on the caller's thread unless given. */
  differ?: Differ;
}) {
  /** The content fields the request sends, as snapshot values; absent fields stay absent. */
  async function editOf(body: RevisionBody): Promise<Partial<ArticleContent>> {
    const edit: Partial<ArticleContent> = {};
    if (body.title !== undefined) edit.title = body.title;
    if (body.slug !== undefined) edit.slug = body.slug;
    if ('standfirst' in body) edit.standfirst = body.standfirst ?? null;
    if (body.body !== undefined) edit.body = body.body;
    if (body.tags !== undefined) edit.tags = await resolver.resolveTags(body.tags);
    if (body.credits !== undefined) edit.credits = await resolver.resolveCredits(body.credits);
    if ('hero_image' in body) edit.hero_image = body.hero_image ?? null;
    if ('source' in body) edit.source = body.source ?? null;
    if (body.ai_generated !== undefined) edit.ai_generated = body.ai_generated;
    return edit;
  }

  /**
   * Writes `edit` made against `base` in one transaction that decides against the head of that
   * moment. `id` is an article's id, already resolved from the name in the URL.
   */
  async function commit(
    id: string,
    base: EditBase | undefined,
    edit: Partial<ArticleContent>,
    actor: Actor,
    message: string | null,
    audit: { action: string; details?: Record<string, unknown> },
    whole = false,
  ): Promise<RevisionOutcome> {
    if (base === undefined) {
      throw new AppError(
        'precondition_required',
        'Say which revision this edit was made from: send base_revision, or If-Match with the article ETag',
      );
    }
    const { written, record, mergedOnto } = await repo.commit({
      articleId: id,
      at: clock.now(),
      author: actor.name,
      authorTokenId: actor.tokenId,
      message,
      base: base.revision,
      decide(head, baseRevision) {
        const number = base.revision;
        assertTagMatches(id, base, baseRevision?.content, head.number);
        if (!baseRevision) {
          throw new ValidationError('Invalid base revision', [
            { in: 'body', path: 'base_revision', message: `the article has no revision ${number}` },
          ]);
        }
        const outcome = mergeEdit(baseRevision, head, edit, { whole });
        if (outcome.kind === 'conflict') {
          throw new ConflictError(
            `Revision ${head.number} changed ${conflictNames(outcome.conflicts, baseRevision.content.body)} since revision ${number}; merge by hand and post against revision ${head.number}`,
            { current_revision: head.number, conflicts: outcome.conflicts },
          );
        }
        if (outcome.kind === 'noop') return outcome;
        return {
          ...outcome,
          audit: {
            actor: actor.name,
            action: outcome.mergedOnto === null ? audit.action : 'article.merge',
            subjectType: 'article',
            details: { ...audit.details, base_revision: number, merged_onto: outcome.mergedOnto },
          },
        };
      },
    });
    return { created: written, result: { ...toEditorArticle(record), merged_onto: mergedOnto } };
  }

  async function revisionOf(id: string, n: number): Promise<StoredRevision & { row: RevisionRow }> {
    const row = await repo.findRevision(id, n);
    if (!row) throw new NotFoundError(`Article ${id} has no revision ${n}`);
    return { number: n, content: contentOf(row), row };
  }

  return {
    /** Each method takes the article's name from the URL: its id, current slug or a former slug. */
    async post(name: string, body: RevisionBody, base: EditBase | undefined, actor: Actor): Promise<RevisionOutcome> {
      const { id } = await editor.named(name);
      const edit = await editOf(body);
      return commit(id, base, edit, actor, body.message ?? null, { action: 'article.revise' });
    },

    /** A new head equal to revision n; history only grows. */
    async restore(
      name: string,
      n: number,
      base: EditBase | undefined,
      actor: Actor,
      message?: string,
    ): Promise<RevisionOutcome> {
      const { id } = await editor.named(name);
      const target = await revisionOf(id, n);
      return commit(
        id,
        base,
        target.content,
        actor,
        message ?? `Restored revision ${n}`,
        { action: 'article.restore', details: { restored: n } },
        true,
      );
    },

    async list(name: string, query: { limit: number; cursor?: string | undefined }): Promise<RevisionPage> {
      const { article } = await editor.record(name);
      const before = query.cursor ? decodeCursor(query.cursor, ['id'] as const)[0] : null;
      const rows = await repo.findRevisionPage(article.id, query.limit, before);
      return toPage(
        rows,
        query.limit,
        (row) => toRevisionSummary(row, article.publishedRevision),
        (last) => [last.number],
      );
    },

    async get(name: string, n: number): Promise<Revision> {
      const { article } = await editor.record(name);
      const { row, content } = await revisionOf(article.id, n);
      return { ...toRevisionSummary(row, article.publishedRevision), content, body_html: bodyHtmlOf(content) };
    },

    /** From n to `to`; without `to`, what revision n changed (from n - 1, or from nothing for revision 1). In `format`. */
    async diff(name: string, n: number, to: number | undefined, format: DiffFormat = 'hunks'): Promise<RevisionDiff> {
      const { id } = await editor.named(name);
      const side = async (m: number): Promise<DiffSide> => ({ number: m, content: (await revisionOf(id, m)).content });
      if (to === undefined) {
        const target = await side(n);
        return differ.diff(n > 1 ? await side(n - 1) : null, target, format);
      }
      return differ.diff(await side(n), await side(to), format);
    },
  };
}

export type RevisionsService = ReturnType<typeof createRevisionsService>;
