import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, hasRole } from '../../http/access.js';
import type { CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { createdResponse, jsonResponse, NoContentSchema, NotModifiedSchema } from '../../http/responses.js';
import { SurrogateKeys } from '../../shared/changes.js';
import { IdParamsSchema } from '../../shared/schemas.js';
import {
  CreateCreditBodySchema,
  CreditPageSchema,
  CreditSchema,
  ListCreditsQuerySchema,
  UpdateCreditBodySchema,
} from './schemas.js';
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
        description:
          'Only credits that a published article shows; with an editor token, every credit (drafts create credits too).',
        querystring: ListCreditsQuerySchema,
        response: {
          200: jsonResponse(CreditPageSchema, 'A page of credits'),
          304: NotModifiedSchema,
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      if (hasRole(request.principal, 'editor')) {
        return send(request, reply, CreditPageSchema, await service.list(request.query, 'editor'), { private: true });
      }
      return send(request, reply, CreditPageSchema, await service.list(request.query, 'public'), {
        keys: [SurrogateKeys.credits],
      });
    },
  );

  r.get(
    '/v1/credits/:id',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getCredit',
        tags: ['credits'],
        summary: 'Get one credit by id',
        description: 'A credit no published article shows answers 404, unless the token has the editor role.',
        params: IdParamsSchema,
        response: {
          200: jsonResponse(CreditSchema, 'The credit'),
          304: NotModifiedSchema,
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      if (hasRole(request.principal, 'editor')) {
        return send(request, reply, CreditSchema, await service.get(request.params.id, 'editor'), { private: true });
      }
      return send(request, reply, CreditSchema, await service.get(request.params.id, 'public'), {
        keys: [SurrogateKeys.credits, SurrogateKeys.credit(request.params.id)],
      });
    },
  );

  r.post(
    '/v1/credits',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'createCredit',
        tags: ['credits'],
        summary: 'Create a credit (a person or organisation)',
        body: CreateCreditBodySchema,
        response: {
          201: createdResponse(CreditSchema, 'The new credit; Location gives its URL'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const credit = await service.create(request.body, actorOf(request));
      return reply.code(201).header('location', `/v1/credits/${credit.id}`).send(credit);
    },
  );

  r.patch(
    '/v1/credits/:id',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'updateCredit',
        tags: ['credits'],
        summary: 'Change a credit',
        params: IdParamsSchema,
        body: UpdateCreditBodySchema,
        response: {
          200: jsonResponse(CreditSchema, 'The credit'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => service.update(request.params.id, request.body, actorOf(request)),
  );

  r.delete(
    '/v1/credits/:id',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'deleteCredit',
        tags: ['credits'],
        summary: 'Delete a credit no published article shows; revisions that used it keep it by value',
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await service.remove(request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );
}
