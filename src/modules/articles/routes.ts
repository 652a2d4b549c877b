import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '../../errors.js';
import { actorOf, hasRole } from '../../http/access.js';
import { type CacheableRedirect, type CacheableSender, type DocumentSender, etagOf } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import {
  jsonResponse,
  MovedPermanentlySchema,
  NoContentSchema,
  NotModifiedSchema,
  withHeaders,
} from '../../http/responses.js';
import { SurrogateKeys } from '../../shared/changes.js';
import type { SearchService } from '../search/service.js';
import {
  ArticleListSchema,
  ArticlesQuerySchema,
  ArticleViewSchema,
  CreateArticleBodySchema,
  EditorArticlePageSchema,
  EditorArticleSchema,
  UpdateArticleBodySchema,
} from './editor-schemas.js';
import type { EditorService } from './editor-service.js';
import type { PublishingService } from './publishing/publishing-service.js';
import { movedUrl } from './resolver.js';
import { editorEtagPrefix } from './revisions/etag.js';
import { ArticleRefParamsSchema } from './schemas.js';
import type { ArticlesService } from './service.js';

export interface ArticlesRouteDeps {
  service: ArticlesService;
  editor: EditorService;
  publishing: PublishingService;
  search: SearchService;
  send: CacheableSender;
  /** Sends the stored documents of published articles, serialized when they were rendered. */
  sendDocument: DocumentSender;
  redirect: CacheableRedirect;
}

/** The article resource: one URL for everyone, where an editor's token turns the public view into the editorial one. */
export async function articlesRoutes(
  app: FastifyInstance,
  { service, editor, publishing, search, send, sendDocument, redirect }: ArticlesRouteDeps,
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/articles',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listArticles',
        tags: ['articles'],
        summary: 'List or search published articles; with an editor token, every article',
        description:
          'Newest first, or best match first with `q` (published articles only, each with a highlighted `snippet`). ' +
          'Keyset-paginated: pass `meta.next_cursor` as `cursor` to get the next page. With an editor token the ' +
          'page lists every article (filter by `status`), newest change first, as `EditorArticlePage`. ' +
          'A search holds at most 12 words (each word of a quoted phrase counts), of them at most 4 prefixes of 2 letters or more, and ' +
          'pages of at most 25; beyond, 400. A search that outlives WORK_BUDGET_MS is stopped and answers ' +
          '503 `too_costly` with Retry-After.',
        querystring: ArticlesQuerySchema,
        response: {
          200: jsonResponse(ArticleListSchema, 'A page of articles'),
          304: NotModifiedSchema,
          ...problemResponses(400, 401, 403, 503),
        },
      },
    },
    async (request, reply) => {
      const { q, status, ...query } = request.query;
      if (status !== undefined) {
        if (!request.principal) throw new UnauthorizedError('Filtering by status needs an editor token');
        if (!hasRole(request.principal, 'editor'))
          throw new ForbiddenError('Filtering by status needs the editor role');
        if (q !== undefined) {
          throw new BadRequestError('Search covers published articles only; drop status or q', [
            { in: 'query', path: 'status', message: 'cannot be combined with q' },
          ]);
        }
      }
      const keys = query.tag ? [SurrogateKeys.articles, SurrogateKeys.tag(query.tag)] : [SurrogateKeys.articles];
      if (q !== undefined) {
        const found = await search.search({ ...query, q });
        return sendDocument(request, reply, found.body, { keys, etag: found.etag });
      }
      if (hasRole(request.principal, 'editor')) {
        return send(request, reply, EditorArticlePageSchema, await editor.list({ ...query, status }));
      }
      return sendDocument(request, reply, await service.listPage(query), { keys });
    },
  );

  r.get(
    '/v1/articles/:article',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getArticle',
        tags: ['articles'],
        summary: 'Get one published article by id or slug; with an editor token, any article',
        description:
          'A slug the published article had before answers 301 with the current URL. With an editor token the ' +
          'article is its head revision (`EditorArticle`), and the ETag names that revision for If-Match.',
        params: ArticleRefParamsSchema,
        response: {
          200: jsonResponse(ArticleViewSchema, 'The article'),
          301: MovedPermanentlySchema,
          304: NotModifiedSchema,
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      if (hasRole(request.principal, 'editor')) {
        const article = await editor.get(request.params.article);
        return send(request, reply, EditorArticleSchema, article, { etagPrefix: editorEtagPrefix(article) });
      }
      const found = await service.findDocument(request.params.article);
      if ('movedTo' in found) {
        // Purged with the article: a change to it (an unpublish, another rename) ends the redirect.
        return redirect(request, reply, movedUrl(request.url, found.movedTo), [SurrogateKeys.article(found.id)]);
      }
      return sendDocument(request, reply, found.body, { keys: found.keys.split(' '), etag: found.etag });
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
          201: withHeaders(
            jsonResponse(EditorArticleSchema, 'The new draft; Location gives its URL, ETag its version for If-Match'),
            'ETag',
            'Location',
          ),
          ...problemResponses(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const article = await editor.create(request.body, actorOf(request));
      // Serialized once, through the schema: the same bytes are hashed for the ETag and sent, and
      // the ETag is the one GET /v1/articles/{article} gives, so the next edit can send it as If-Match.
      const body = JSON.stringify(EditorArticleSchema.parse(article));
      return (reply as FastifyReply)
        .code(201)
        .header('location', `/v1/articles/${article.id}`)
        .header('etag', etagOf(body, editorEtagPrefix(article)))
        .type('application/json; charset=utf-8')
        .send(body);
    },
  );

  r.patch(
    '/v1/articles/:article',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'updateArticle',
        tags: ['articles'],
        summary: 'Change article settings (comments open or closed) without a new revision',
        params: ArticleRefParamsSchema,
        body: UpdateArticleBodySchema,
        response: {
          200: jsonResponse(EditorArticleSchema, 'The article'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => editor.setCommentsOpen(request.params.article, request.body.comments_open, actorOf(request)),
  );

  r.delete(
    '/v1/articles/:article',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'archiveArticle',
        tags: ['articles'],
        summary: 'Archive an article: gone from the public API, history kept',
        params: ArticleRefParamsSchema,
        response: { 204: NoContentSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await publishing.archive(request.params.article, actorOf(request));
      return reply.code(204).send();
    },
  );
}
