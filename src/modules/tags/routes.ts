import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, hasRole } from '../../http/access.js';
import type { CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { createdResponse, jsonResponse, NoContentSchema, NotModifiedSchema } from '../../http/responses.js';
import { SurrogateKeys } from '../../shared/changes.js';
import {
  CreateTagBodySchema,
  ListTagsQuerySchema,
  TagPageSchema,
  TagParamsSchema,
  TagSchema,
  UpdateTagBodySchema,
} from './schemas.js';
import type { TagsService } from './service.js';

export async function tagsRoutes(
  app: FastifyInstance,
  { service, send }: { service: TagsService; send: CacheableSender },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/tags',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listTags',
        tags: ['tags'],
        summary: 'List tags with their count of published articles, by slug',
        description:
          'Only tags that a published article carries; with an editor token, every tag (drafts create tags too).',
        querystring: ListTagsQuerySchema,
        response: {
          200: jsonResponse(TagPageSchema, 'A page of tags'),
          304: NotModifiedSchema,
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      if (hasRole(request.principal, 'editor')) {
        return send(request, reply, TagPageSchema, await service.list(request.query, 'editor'), { private: true });
      }
      return send(request, reply, TagPageSchema, await service.list(request.query, 'public'), {
        keys: [SurrogateKeys.tags],
      });
    },
  );

  r.get(
    '/v1/tags/:slug',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getTag',
        tags: ['tags'],
        summary: 'Get one tag by slug',
        description: 'A tag no published article carries answers 404, unless the token has the editor role.',
        params: TagParamsSchema,
        response: { 200: jsonResponse(TagSchema, 'The tag'), 304: NotModifiedSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      if (hasRole(request.principal, 'editor')) {
        return send(request, reply, TagSchema, await service.get(request.params.slug, 'editor'), { private: true });
      }
      return send(request, reply, TagSchema, await service.get(request.params.slug, 'public'), {
        keys: [SurrogateKeys.tags, SurrogateKeys.tag(request.params.slug)],
      });
    },
  );

  r.post(
    '/v1/tags',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'createTag',
        tags: ['tags'],
        summary: 'Create a tag',
        body: CreateTagBodySchema,
        response: {
          201: createdResponse(TagSchema, 'The new tag; Location gives its URL'),
          ...problemResponses(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const tag = await service.create(request.body, actorOf(request));
      return reply.code(201).header('location', `/v1/tags/${tag.slug}`).send(tag);
    },
  );

  r.patch(
    '/v1/tags/:slug',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'updateTag',
        tags: ['tags'],
        summary: 'Rename a tag, change its slug or description',
        params: TagParamsSchema,
        body: UpdateTagBodySchema,
        response: {
          200: jsonResponse(TagSchema, 'The tag'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => service.update(request.params.slug, request.body, actorOf(request)),
  );

  r.delete(
    '/v1/tags/:slug',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'deleteTag',
        tags: ['tags'],
        summary: 'Delete a tag no published article shows; revisions that used it keep it by value',
        params: TagParamsSchema,
        response: { 204: NoContentSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await service.remove(request.params.slug, actorOf(request));
      return reply.code(204).send();
    },
  );
}
