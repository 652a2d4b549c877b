import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../http/access.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, NoContentSchema, withHeaders } from '../../http/responses.js';
import { ArticleRefParamsSchema, PublicArticleSchema } from '../articles/schemas.js';
import {
  CreatedPreviewSchema,
  CreatePreviewBodySchema,
  ListPreviewsQuerySchema,
  PreviewLinkPageSchema,
  PreviewLinkParamsSchema,
  PreviewTokenParamsSchema,
} from './schemas.js';
import type { PreviewsService } from './service.js';

/**
 * A preview shows what is not public yet to whoever holds its link: no shared cache may keep it,
 * and no search engine may index it. It is answered without an ETag or Surrogate-Key, and never
 * through `send`, so the in-process response cache never stores it either.
 */
const PREVIEW_HEADERS = { 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' };

export async function previewsRoutes(app: FastifyInstance, { service }: { service: PreviewsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Deliberately not idempotent: a replayed response would have to store the token it shows.
  r.post(
    '/v1/articles/:article/preview',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'createPreview',
        tags: ['previews'],
        summary: 'Make a link that shows the article as it would be published, to anyone holding it',
        description:
          'The link shows `revision`, or without it the latest revision whenever it is opened. It works for ' +
          '`expires_in` seconds (default 24 hours, at most 7 days) or until revoked. The token is in this ' +
          'response only. `url` is GET /v1/preview/{token} at the origin this request was made to (as ' +
          'TRUST_PROXY lets proxies name it), or PREVIEW_URL with the token in it when that is set.',
        params: ArticleRefParamsSchema,
        body: CreatePreviewBodySchema.nullish(),
        response: {
          201: jsonResponse(CreatedPreviewSchema, 'The link with its token'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const origin = `${request.protocol}://${request.host}`;
      // No body at all asks for the defaults, as an empty object does.
      const body = request.body ?? CreatePreviewBodySchema.parse({});
      const created = await service.create(request.params.article, body, actorOf(request), origin);
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  r.get(
    '/v1/articles/:article/previews',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'listPreviews',
        tags: ['previews'],
        summary: "The article's preview links, newest first, with their status; never their tokens",
        params: ArticleRefParamsSchema,
        querystring: ListPreviewsQuerySchema,
        response: {
          200: jsonResponse(PreviewLinkPageSchema, 'A page of preview links'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const links = await service.list(request.params.article, request.query);
      return reply.header('cache-control', 'private, no-store').send(links);
    },
  );

  r.delete(
    '/v1/articles/:article/previews/:id',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'revokePreview',
        tags: ['previews'],
        summary: 'Revoke a preview link: it answers 404 from now on',
        description: 'Revoking a revoked link answers 204 again and keeps its first revocation time.',
        params: PreviewLinkParamsSchema,
        response: { 204: NoContentSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await service.revoke(request.params.article, request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );

  r.get(
    '/v1/preview/:token',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'readPreview',
        tags: ['previews'],
        summary: 'The article as it would be published, in the public shape, for the holder of a preview link',
        description:
          'Needs no bearer token: the link is the credential. `published_at` is the date of the first ' +
          'publication, or now for an article never published; `updated_at` is now. An unknown, expired or ' +
          'revoked link, or one whose article was archived, answers the same 404.',
        params: PreviewTokenParamsSchema,
        // The link is shared by hand, through mail and chat that append tracking parameters: any is ignored.
        querystring: z.looseObject({}),
        response: {
          200: withHeaders(
            jsonResponse(PublicArticleSchema, 'The article as it would be published'),
            'Cache-Control',
            'X-Robots-Tag',
          ),
          ...problemResponses(404),
        },
      },
    },
    async (request, reply) => reply.headers(PREVIEW_HEADERS).send(await service.read(request.params.token)),
  );
}
