import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, NotModifiedSchema } from '../../http/responses.js';
import { SurrogateKeys } from '../../shared/changes.js';
import { IdParamsSchema } from '../../shared/schemas.js';
import { CreditPageSchema, CreditSchema, ListCreditsQuerySchema } from './schemas.js';
import type { CreditsService } from './service.js';

export async function creditsRoutes(
  app: FastifyInstance,
  { service, send }: { service: CreditsService; send: CacheableSender },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/credits',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listCredits',
        tags: ['credits'],
        summary: 'List the people and organisations credited',
        querystring: ListCreditsQuerySchema,
        response: {
          200: jsonResponse(CreditPageSchema, 'A page of credits'),
          304: NotModifiedSchema,
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) =>
      send(request, reply, JSON.stringify(await service.list(request.query)), { keys: [SurrogateKeys.credits] }),
  );

  r.get(
    '/v1/credits/:id',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getCredit',
        tags: ['credits'],
        summary: 'Get one credit by id',
        params: IdParamsSchema,
        response: {
          200: jsonResponse(CreditSchema, 'The credit'),
          304: NotModifiedSchema,
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) =>
      send(request, reply, JSON.stringify(await service.get(request.params.id)), {
        keys: [SurrogateKeys.credits, SurrogateKeys.credit(request.params.id)],
      }),
  );
}
