import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, NotModifiedSchema } from '../../http/responses.js';
import { SurrogateKeys } from '../../shared/changes.js';
import type { SearchService } from '../search/service.js';
import {
  ArticlePageSchema,
  ArticleSlugParamsSchema,
  ListArticlesQuerySchema,
  type PublicArticle,
  PublicArticleSchema,
} from './schemas.js';
import type { ArticlesService } from './service.js';

/** An article's response shows the article, its tags and its credits: a change to any purges it. */
function articleKeys(article: PublicArticle): string[] {
  return [
    SurrogateKeys.article(article.id),
    ...article.tags.map((t) => SurrogateKeys.tag(t.slug)),
    ...article.credits.map((c) => SurrogateKeys.credit(c.id)),
  ];
}

export async function articlesRoutes(
  app: FastifyInstance,
  { service, search, send }: { service: ArticlesService; search: SearchService; send: CacheableSender },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/articles',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listArticles',
        tags: ['articles'],
        summary: 'List or search published articles',
        description:
          'Newest first, or best match first with `q`. Keyset-paginated: pass `meta.next_cursor` as `cursor` to get the next page.',
        querystring: ListArticlesQuerySchema,
        response: {
          200: jsonResponse(ArticlePageSchema, 'A page of published articles'),
          304: NotModifiedSchema,
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const { q, ...query } = request.query;
      const page = q === undefined ? await service.listPublished(query) : await search.search({ ...query, q });
      const keys = query.tag ? [SurrogateKeys.articles, SurrogateKeys.tag(query.tag)] : [SurrogateKeys.articles];
      return send(request, reply, JSON.stringify(page), { keys });
    },
  );

  r.get(
    '/v1/articles/:slug',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getArticle',
        tags: ['articles'],
        summary: 'Get one published article by slug',
        params: ArticleSlugParamsSchema,
        response: {
          200: jsonResponse(PublicArticleSchema, 'The published article'),
          304: NotModifiedSchema,
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const article = await service.getPublished(request.params.slug);
      return send(request, reply, JSON.stringify(article), { keys: articleKeys(article) });
    },
  );
}
