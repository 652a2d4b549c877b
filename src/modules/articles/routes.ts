import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import { actorOf, hasRole } from '../../http/access.js';
import type { CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, MovedPermanentlySchema, NoContentSchema, NotModifiedSchema } from '../../http/responses.js';
import {
  ArticleIdParamsSchema,
  ArticlesQuerySchema,
  CreateArticleBodySchema,
  EditorArticlePageSchema,
  EditorArticleSchema,
  UpdateArticleBodySchema,
} from './editor-schemas.js';
import type { EditorService } from './editor-service.js';
import { editorEtagPrefix } from './etag.js';
import type { PublishingService } from './publishing-service.js';
import { ArticlePageSchema, ArticleSlugParamsSchema, PublicArticleSchema } from './schemas.js';
import type { ArticlesService } from './service.js';

export interface ArticlesRouteDeps {
  service: ArticlesService;
  editor: EditorService;
  publishing: PublishingService;
  send: CacheableSender;
}

/** The article resource: one URL for everyone, where an editor's token turns the public view into the editorial one. */
export async function articlesRoutes(app: FastifyInstance, { service, editor, publishing, send }: ArticlesRouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/articles',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listArticles',
        tags: ['articles'],
        summary: 'List published articles, newest first; with an editor token, every article',
        description:
          'Keyset-paginated: pass `meta.next_cursor` as `cursor` to get the next page. With an editor token the ' +
          'page lists every article (filter by `status`), newest change first, as `EditorArticlePage`.',
        querystring: ArticlesQuerySchema,
        response: {
          200: jsonResponse(z.union([ArticlePageSchema, EditorArticlePageSchema]), 'A page of articles'),
          304: NotModifiedSchema,
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      if (hasRole(request.principal, 'editor')) {
        return send(request, reply, JSON.stringify(await editor.list(request.query)));
      }
      if (request.query.status !== undefined) {
        if (!request.principal) throw new UnauthorizedError('Filtering by status needs an editor token');
        throw new ForbiddenError('Filtering by status needs the editor role');
      }
      return send(request, reply, JSON.stringify(await service.listPublished(request.query)));
    },
  );

  r.get(
    '/v1/articles/:slug',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getArticle',
        tags: ['articles'],
        summary: 'Get one published article by slug; with an editor token, any article by id or slug',
        description:
          'A slug the published article had before answers 301 with the current URL. With an editor token the ' +
          'article is its head revision (`EditorArticle`), and the ETag names that revision for If-Match.',
        params: ArticleSlugParamsSchema,
        response: {
          200: jsonResponse(z.union([PublicArticleSchema, EditorArticleSchema]), 'The article'),
          301: MovedPermanentlySchema,
          304: NotModifiedSchema,
          ...problemResponses(404),
        },
      },
    },
    async (request, reply) => {
      if (hasRole(request.principal, 'editor')) {
        const article = await editor.get(request.params.slug);
        return send(request, reply, JSON.stringify(article), { etagPrefix: editorEtagPrefix(article.revision) });
      }
      const found = await service.findPublished(request.params.slug);
      if ('movedTo' in found) {
        return reply.redirect(`/v1/articles/${encodeURIComponent(found.movedTo)}`, 301);
      }
      return send(request, reply, JSON.stringify(found.article));
    },
  );

  r.post(
    '/v1/articles',
    {
      config: { access: 'editor', idempotent: true },
      schema: {
        operationId: 'createArticle',
        tags: ['articles'],
        summary: 'Create an article: a draft whose revision 1 holds the content',
        description: 'Tags are given by slug or name; unknown ones are created. Credits by id or by value.',
        body: CreateArticleBodySchema,
        response: {
          201: jsonResponse(EditorArticleSchema, 'The new draft; Location gives its URL'),
          ...problemResponses(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const article = await editor.create(request.body, actorOf(request));
      return reply.code(201).header('location', `/v1/articles/${article.id}`).send(article);
    },
  );

  r.patch(
    '/v1/articles/:id',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'updateArticle',
        tags: ['articles'],
        summary: 'Change article settings (comments open or closed) without a new revision',
        params: ArticleIdParamsSchema,
        body: UpdateArticleBodySchema,
        response: {
          200: jsonResponse(EditorArticleSchema, 'The article'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => editor.setCommentsOpen(request.params.id, request.body.comments_open, actorOf(request)),
  );

  r.delete(
    '/v1/articles/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'archiveArticle',
        tags: ['articles'],
        summary: 'Archive an article: gone from the public API, history kept',
        params: ArticleIdParamsSchema,
        response: { 204: NoContentSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await publishing.archive(request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );
}
