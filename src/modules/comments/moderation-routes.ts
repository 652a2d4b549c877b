import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, NotModifiedSchema } from '../../http/responses.js';
import { IdParamsSchema } from '../../shared/schemas.js';
import type { ModerationService } from './moderation-service.js';
import {
  BulkModerateBodySchema,
  BulkModerationSchema,
  CommentDetailSchema,
  ModerateCommentBodySchema,
  ModeratedCommentPageSchema,
  QueueQuerySchema,
} from './schemas.js';

/** Moderator data is personal data: never stored by a shared cache. */
const NO_STORE = { 'cache-control': 'private, no-store' };

export async function moderationRoutes(
  app: FastifyInstance,
  { service, send }: { service: ModerationService; send: CacheableSender },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const actor = (principal: { name: string } | null) => principal?.name ?? 'unknown';

  r.get(
    '/v1/comments',
    {
      config: { access: 'moderator' },
      schema: {
        operationId: 'listModerationQueue',
        tags: ['moderation'],
        summary: 'The moderation queue: comments by status, oldest first, with e-mails and reasons',
        querystring: QueueQuerySchema,
        response: {
          200: jsonResponse(ModeratedCommentPageSchema, 'A page of comments'),
          304: NotModifiedSchema,
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      send(request, reply, ModeratedCommentPageSchema, await service.queue(request.query), { private: true }),
  );

  // Registered before /v1/comments/:id so the literal path is never read as an id.
  r.post(
    '/v1/comments/moderate',
    {
      config: { access: 'moderator' },
      schema: {
        operationId: 'moderateComments',
        tags: ['moderation'],
        summary: 'Set the status of many comments at once, with a result per id',
        description: 'One transaction: each id is updated, unchanged (already in that status) or not_found.',
        body: BulkModerateBodySchema,
        response: {
          200: jsonResponse(BulkModerationSchema, 'What happened to each id'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) =>
      reply.headers(NO_STORE).send(await service.moderateMany(request.body, actor(request.principal))),
  );

  r.get(
    '/v1/comments/:id',
    {
      config: { access: 'moderator' },
      schema: {
        operationId: 'getComment',
        tags: ['moderation'],
        summary: 'One comment with its moderation log',
        params: IdParamsSchema,
        response: {
          200: jsonResponse(CommentDetailSchema, 'The comment and its log'),
          304: NotModifiedSchema,
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      send(request, reply, CommentDetailSchema, await service.get(request.params.id), { private: true }),
  );

  r.patch(
    '/v1/comments/:id',
    {
      config: { access: 'moderator' },
      schema: {
        operationId: 'moderateComment',
        tags: ['moderation'],
        summary: "Set a comment's status; every change is logged",
        description:
          "Appends {actor, at, from, to, note} to the moderation log and updates the article's comment_count in the " +
          'same transaction. Setting the status a comment already has changes and logs nothing.',
        params: IdParamsSchema,
        body: ModerateCommentBodySchema,
        response: {
          200: jsonResponse(CommentDetailSchema, 'The comment and its log'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply.headers(NO_STORE).send(await service.moderate(request.params.id, request.body, actor(request.principal))),
  );

  r.delete(
    '/v1/comments/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'eraseComment',
        tags: ['moderation'],
        summary: "Erase a comment's personal data, keeping its place in the thread",
        description:
          'The name becomes "[deleted]", the body is emptied, the e-mail and IP hash are removed. ' +
          'The comment stays so its replies keep their parent, and no longer counts in comment_count.',
        params: IdParamsSchema,
        response: {
          204: z.undefined().meta({ description: 'Erased; no body' }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await service.erase(request.params.id, actor(request.principal));
      return reply.code(204).headers(NO_STORE).send();
    },
  );
}
