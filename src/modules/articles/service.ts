import { NotFoundError, ValidationError } from '../../errors.js';
import { type ChangeFeed, publicationKeys } from '../../shared/changes.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import { uuidv7 } from '../../shared/ids.js';
import { renderMarkdown } from '../../shared/markdown.js';
import { slugify } from '../../shared/slug.js';
import type { ArticleRow, ArticlesRepository, CreditLink, TagLink } from './repository.js';
import type {
  ArticleContent,
  ArticlePage,
  ArticleTeaser,
  CreateArticleInput,
  CreditInput,
  ListArticlesQuery,
  PublicArticle,
} from './schemas.js';

/** Who performs a write: a token's name, or a tool such as the seeder. */
export interface Actor {
  name: string;
  tokenId: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export function toTeaser(row: ArticleRow, tags: TagLink[]): ArticleTeaser {
  return {
    id: row.id,
    slug: row.slug,
    lang: row.lang,
    title: row.title ?? '',
    standfirst: row.standfirst,
    tags,
    hero_image: parseJson(row.heroImage),
    ai_generated: row.aiGenerated,
    comment_count: row.commentCount,
    published_at: iso(row.publishedAt ?? row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

function toPublicArticle(row: ArticleRow, tags: TagLink[], credits: CreditLink[]): PublicArticle {
  return {
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
  clock,
  changes,
}: {
  repo: ArticlesRepository;
  clock: Clock;
  changes: ChangeFeed;
}) {
  /** Tags named by slug or by name become {slug, name}, keeping a catalogue tag's own name. */
  async function resolveTags(names: string[]): Promise<ArticleContent['tags']> {
    const wanted = new Map<string, string>();
    names.forEach((name, i) => {
      const slug = slugify(name);
      if (!slug)
        throw new ValidationError('Invalid body: tags', [
          { in: 'body', path: `tags.${i}`, message: 'must contain a letter or digit' },
        ]);
      if (!wanted.has(slug)) wanted.set(slug, name);
    });
    const known = await repo.findTagNames([...wanted.keys()]);
    return [...wanted].map(([slug, name]) => ({ slug, name: known.get(slug) ?? name }));
  }

  async function resolveCredits(inputs: CreditInput[]): Promise<ArticleContent['credits']> {
    const resolved: ArticleContent['credits'] = [];
    for (const [i, input] of inputs.entries()) {
      if ('credit_id' in input) {
        const credit = await repo.findCredit(input.credit_id);
        if (!credit) {
          throw new ValidationError('Invalid body: credits', [
            { in: 'body', path: `credits.${i}.credit_id`, message: `no credit has id ${input.credit_id}` },
          ]);
        }
        resolved.push({
          credit_id: credit.id,
          role: input.role,
          name: credit.name,
          organization: credit.organization,
          url: credit.url,
          license: credit.license,
        });
      } else {
        resolved.push({
          credit_id: null,
          role: input.role,
          name: input.name,
          organization: input.organization ?? null,
          url: input.url ?? null,
          license: input.license ?? null,
        });
      }
    }
    return resolved;
  }

  return {
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

    /** Makes a revision (default: the head) public now, or from `publishedAt` when given. */
    async publishNow(
      articleId: string,
      actor: Actor,
      options: { revision?: number; publishedAt?: number } = {},
    ): Promise<ArticleRow> {
      const article = await repo.findById(articleId);
      if (!article) throw new NotFoundError(`No article with id ${articleId}`);
      const number = options.revision ?? article.headRevision;
      const revision = await repo.findRevision(articleId, number);
      if (!revision) throw new NotFoundError(`Article ${articleId} has no revision ${number}`);
      const content = JSON.parse(revision.snapshot) as ArticleContent;
      const now = clock.now();
      const published = await repo.publish({
        articleId,
        revision: number,
        publishedAt: options.publishedAt ?? article.publishedAt ?? now,
        bodyHtml: renderMarkdown(content.body),
        at: now,
        audit: { actor: actor.name, action: 'article.publish', subjectType: 'article', details: { revision: number } },
      });
      changes.emit(publicationKeys(articleId));
      return published;
    },

    async getPublished(slug: string): Promise<PublicArticle> {
      const row = await repo.findPublishedBySlug(slug);
      if (!row) throw new NotFoundError(`No published article with slug "${slug}"`);
      const [tags, credits] = await Promise.all([repo.tagsFor([row.id]), repo.creditsFor([row.id])]);
      return toPublicArticle(row, tags.get(row.id) ?? [], credits.get(row.id) ?? []);
    },

    async listPublished(query: ListArticlesQuery): Promise<ArticlePage> {
      const after = query.cursor ? decodeCursor(query.cursor, ['integer', 'string'] as const) : null;
      const rows = await repo.findPublishedPage({ limit: query.limit, after, tag: query.tag, lang: query.lang });
      const pageRows = rows.slice(0, query.limit);
      const tags = await repo.tagsFor(pageRows.map((r) => r.id));
      const last = pageRows.at(-1);
      return {
        data: pageRows.map((row) => toTeaser(row, tags.get(row.id) ?? [])),
        meta: {
          next_cursor: rows.length > query.limit && last ? encodeCursor([last.publishedAt ?? 0, last.id]) : null,
        },
      };
    },

    async count(): Promise<number> {
      return repo.countAll();
    },
  };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;
