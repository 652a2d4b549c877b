import { NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import { uuidv7 } from '../../shared/ids.js';
import { slugify } from '../../shared/slug.js';
import { toTeaser } from '../teasers/teaser.js';
import { createContentResolver } from './content.js';
import type { ArticleRow, ArticlesRepository, CreditLink, TagLink } from './repository.js';
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

export function createArticlesService({ repo, clock }: { repo: ArticlesRepository; clock: Clock }) {
  const { resolveTags, resolveCredits } = createContentResolver(repo);

  /** The published article, or the slug it now has when `slug` is one it had before. */
  async function findPublished(slug: string): Promise<{ article: PublicArticle } | { movedTo: string }> {
    const row = await repo.findPublishedBySlug(slug);
    if (!row) {
      const movedTo = await repo.findPublishedSlugFor(slug);
      if (movedTo !== undefined && movedTo !== slug) return { movedTo };
      throw new NotFoundError(`No published article with slug "${slug}"`);
    }
    const [tags, credits] = await Promise.all([repo.tagsFor([row.id]), repo.creditsFor([row.id])]);
    return { article: toPublicArticle(row, tags.get(row.id) ?? [], credits.get(row.id) ?? []) };
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

    async getPublished(slug: string): Promise<PublicArticle> {
      const found = await findPublished(slug);
      if ('article' in found) return found.article;
      throw new NotFoundError(`No published article with slug "${slug}"`);
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

    async count(): Promise<number> {
      return repo.countAll();
    },
  };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;
