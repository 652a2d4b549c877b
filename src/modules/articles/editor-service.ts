import type { Actor } from '../../shared/actor.js';
import { type ChangeFeed, SurrogateKeys } from '../../shared/changes.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import type { ArticlesQuery, CreateArticleBody, EditorArticle, EditorArticlePage } from './editor-schemas.js';
import { type ArticleResolver, editorNotFound, type NamedArticle } from './resolver.js';
import type { EditorRecord, RevisionsRepository } from './revisions/revisions-repository.js';
import type { ArticlesService } from './service.js';
import { toEditorArticle, toEditorSummary } from './views.js';

/** What editors read and set beside the content itself: drafts, lists by status, article settings. */
export function createEditorService({
  repo,
  resolver,
  articles,
  clock,
  changes,
}: {
  repo: RevisionsRepository;
  resolver: ArticleResolver;
  articles: ArticlesService;
  clock: Clock;
  changes: ChangeFeed;
}) {
  /** Any article, by id, current slug or former slug, as every editor's route names it. */
  async function record(name: string): Promise<EditorRecord> {
    const { id } = await resolver.editorial(name);
    const found = await repo.findRecord(id);
    // Gone between the two reads: as if it had not been found.
    if (!found) throw editorNotFound(name);
    return found;
  }

  return {
    record,

    /** The article a name leads to, for a route that needs no more than its id, status and settings: one cheap read. */
    named: (name: string): Promise<NamedArticle> => resolver.editorial(name),

    async create(body: CreateArticleBody, actor: Actor): Promise<EditorArticle> {
      const { message, ...input } = body;
      const row = await articles.create(input, actor, message ?? null);
      return toEditorArticle(await record(row.id));
    },

    async get(name: string): Promise<EditorArticle> {
      return toEditorArticle(await record(name));
    },

    async list(query: ArticlesQuery): Promise<EditorArticlePage> {
      const after = query.cursor ? decodeCursor(query.cursor, ['integer', 'string'] as const) : null;
      const rows = await repo.findRecordPage({ status: query.status, lang: query.lang, limit: query.limit, after });
      const page = toPage(rows, query.limit, toEditorSummary, (last) => [last.article.updatedAt, last.article.id]);
      return { view: 'editor', ...page };
    },

    async setCommentsOpen(name: string, open: boolean, actor: Actor): Promise<EditorArticle> {
      const current = await record(name);
      const id = current.article.id;
      if (current.article.commentsOpen === open) return toEditorArticle(current);
      const updated = await repo.setCommentsOpen(id, open, clock.now(), {
        actor: actor.name,
        action: open ? 'article.comments_open' : 'article.comments_close',
        subjectType: 'article',
      });
      // comments_open is part of the public article.
      changes.emit([SurrogateKeys.article(id)]);
      return toEditorArticle(updated);
    },
  };
}

export type EditorService = ReturnType<typeof createEditorService>;
