import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, NotModifiedSchema } from '../../http/responses.js';
import { SurrogateKeys } from '../../shared/changes.js';
import { ListTagsQuerySchema, TagPageSchema, TagParamsSchema, TagSchema } from './schemas.js';
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
        querystring: ListTagsQuerySchema,
        response: {
          200: jsonResponse(TagPageSchema, 'A page of tags'),
          304: NotModifiedSchema,
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) =>
      send(request, reply, JSON.stringify(await service.list(request.query)), { keys: [SurrogateKeys.tags] }),
  );

  r.get(
    '/v1/tags/:slug',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getTag',
        tags: ['tags'],
        summary: 'Get one tag by slug',
        params: TagParamsSchema,
        response: { 200: jsonResponse(TagSchema, 'The tag'), 304: NotModifiedSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) =>
      send(request, reply, JSON.stringify(await service.get(request.params.slug)), {
        keys: [SurrogateKeys.tags, SurrogateKeys.tag(request.params.slug)],
      }),
  );
}
