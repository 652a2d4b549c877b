import { ValidationError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import { uuidv7 } from '../../shared/ids.js';
import { slugify } from '../../shared/slug.js';
import { toTeaser } from '../teasers/teaser.js';
import { createContentResolver } from './content.js';
import type { ArticleRow, ArticlesRepository, CreditLink, TagLink } from './repository.js';
import { type ArticleResolver, readerNotFound } from './resolver.js';
import type { ArticleContent, ArticlePage, CreateArticleInput, ListArticlesQuery, PublicArticle } from './schemas.js';

export type { Actor } from '../../shared/actor.js';

const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** The public shape of an article from its row: the read model a publication writes, with its tag and credit links. */
export function toPublicArticle(row: ArticleRow, tags: TagLink[], credits: CreditLink[]): PublicArticle {
  return {
    view: 'public',
    ...toTeaser(row, tags),
    body: row.body ?? '',
    body_html: row.bodyHtml ?? '',
    credits,
    source: parseJson(row.source),
    comments_open: row.commentsOpen,
    revision: row.publishedRevision ?? 0,
  };
}

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

  return {
    findPublished,

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
