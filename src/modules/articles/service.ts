import { ValidationError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, encodeCursor, toPage } from '../../shared/cursor.js';
import { UUID_PATTERN, uuidv7 } from '../../shared/ids.js';
import { slugify } from '../../shared/slug.js';
import { toTeaser } from '../teasers/teaser.js';
import { createContentResolver } from './content.js';
import { type ArticleDocument, pageBody, renderDocuments, renderTeaser, toPublicArticle } from './documents.js';
import type { ArticleRow, ArticlesRepository, RenderedTeaser } from './repository.js';
import { type ArticleResolver, readerNotFound } from './resolver.js';
import type { ArticleContent, ArticlePage, CreateArticleInput, ListArticlesQuery, PublicArticle } from './schemas.js';

export type { Actor } from '../../shared/actor.js';

export { toPublicArticle } from './documents.js';

export function createArticlesService({
  repo,
  resolver,
  clock,
}: {
  repo: ArticlesRepository;
  resolver: ArticleResolver;
  clock: Clock;
}) {
  const { resolveTags, resolveCredits } = createContentResolver(repo);

  /**
   * The published article `name` names (its id or current slug), or the slug it now has when
   * `name` is a slug it was published under before.
   */
  async function findPublished(name: string): Promise<{ article: PublicArticle } | { id: string; movedTo: string }> {
    const found = await resolver.public(name);
    if (found.movedTo !== null) return { id: found.article.id, movedTo: found.movedTo };
    const { id } = found.article;
    // The id is known: the row and its links are read at once, in one round trip on PostgreSQL's pool.
    const [row, tags, credits] = await Promise.all([
      repo.findPublishedById(id),
      repo.tagsFor([id]),
      repo.creditsFor([id]),
    ]);
    // Unpublished between the reads: as if it had not been found.
    if (!row) throw readerNotFound(name);
    return { article: toPublicArticle(row, tags.get(id) ?? [], credits.get(id) ?? []) };
  }

  /**
   * The stored response of the published article `name` names, or the slug it now has when `name`
   * is a slug it was published under before. The common case, a stored document under its id or
   * current slug, is one indexed fetch. Otherwise the name is resolved and the documents rendered
   * from a read that starts with their version, and stored only if no write has bumped it since:
   * a render of state a write has replaced is sent to this reader alone, never kept.
   */
  async function findDocument(name: string): Promise<ArticleDocument | { id: string; movedTo: string }> {
    // Article ids have the shape of a UUID and slugs never do, so the shape says which the name can be.
    const stored = UUID_PATTERN.test(name) ? await repo.findDocumentById(name) : await repo.findDocumentBySlug(name);
    if (stored) return stored;
    const found = await resolver.public(name);
    if (found.movedTo !== null) return { id: found.article.id, movedTo: found.movedTo };
    const { id } = found.article;
    const source = await repo.findDocumentSource(id);
    // Unpublished between the reads: as if it had not been found.
    if (!source) throw readerNotFound(name);
    // Read after the version: a write committed before these reads bumped it.
    const [tags, credits] = await Promise.all([repo.tagsFor([id]), repo.creditsFor([id])]);
    const documents = renderDocuments(source.row, tags.get(id) ?? [], credits.get(id) ?? []);
    if (source.version !== null) await repo.storeDocuments(id, source.version, documents);
    return documents;
  }

  /**
   * A page of published articles as the bytes ArticlePageSchema serializes, joined from stored
   * teasers; teasers not stored yet are rendered from a read that follows the page's (which gave
   * their version), and stored unless a write bumped it since.
   */
  async function listPage(query: ListArticlesQuery): Promise<Buffer> {
    const after = query.cursor ? decodeCursor(query.cursor, ['integer', 'string'] as const) : null;
    const entries = await repo.findTeaserPage({ limit: query.limit, after, tag: query.tag, lang: query.lang });
    const shown = entries.slice(0, query.limit);
    const rendered = new Map<string, string>();
    const missing = shown.filter((e) => e.teaser === null).map((e) => e.id);
    if (missing.length > 0) {
      const [rows, tags] = await Promise.all([repo.teaserRowsOf(missing), repo.tagsFor(missing)]);
      for (const row of rows) rendered.set(row.id, renderTeaser(row, tags.get(row.id) ?? []));
      const toStore: RenderedTeaser[] = [];
      for (const e of shown) {
        const teaser = rendered.get(e.id);
        if (e.teaser === null && e.version !== null && teaser !== undefined)
          toStore.push({ id: e.id, version: e.version, teaser });
      }
      await repo.storeTeasers(toStore);
    }
    const teasers: Uint8Array[] = [];
    for (const e of shown) {
      if (e.teaser !== null) teasers.push(e.teaser);
      else {
        const teaser = rendered.get(e.id);
        if (teaser !== undefined) teasers.push(Buffer.from(teaser));
      }
    }
    const last = shown.at(-1);
    const next = entries.length > query.limit && last ? encodeCursor([last.publishedAt ?? 0, last.id]) : null;
    return pageBody(teasers, next);
  }

  return {
    findPublished,
    findDocument,
    listPage,

    /** Creates an article as a draft whose revision 1 holds the given content. */
    async create(input: CreateArticleInput, actor: Actor, message: string | null = null): Promise<ArticleRow> {
      const slug = input.slug ?? slugify(input.title);
      if (!slug) {
        throw new ValidationError('Invalid body: slug', [
          { in: 'body', path: 'slug', message: 'the title gives no slug; send one' },
        ]);
      }
      const content: ArticleContent = {
        title: input.title,
        slug,
        standfirst: input.standfirst ?? null,
        body: input.body,
        tags: await resolveTags(input.tags ?? []),
        credits: await resolveCredits(input.credits ?? []),
        hero_image: input.hero_image ?? null,
        source: input.source ?? null,
        ai_generated: input.ai_generated ?? false,
      };
      return repo.insert({
        id: uuidv7(clock.now()),
        lang: input.lang,
        commentsOpen: input.comments_open ?? true,
        content,
        author: actor.name,
        authorTokenId: actor.tokenId,
        message,
        at: clock.now(),
        audit: { actor: actor.name, action: 'article.create', subjectType: 'article' },
      });
    },

    async listPublished(query: ListArticlesQuery): Promise<ArticlePage> {
      const after = query.cursor ? decodeCursor(query.cursor, ['integer', 'string'] as const) : null;
      const rows = await repo.findPublishedPage({ limit: query.limit, after, tag: query.tag, lang: query.lang });
      const tags = await repo.tagsFor(rows.slice(0, query.limit).map((r) => r.id));
      const page = toPage(
        rows,
        query.limit,
        (row) => toTeaser(row, tags.get(row.id) ?? []),
        (last) => [last.publishedAt ?? 0, last.id],
      );
      return { view: 'public', ...page };
    },

    /** Whether the database holds any article; reads one row, where counting them all reads an index through. */
    async any(): Promise<boolean> {
      return repo.hasAny();
    },
  };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;
