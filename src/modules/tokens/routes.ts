import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../http/access.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse } from '../../http/responses.js';
import { IdParamsSchema } from '../../shared/schemas.js';
import {
  CreatedTokenSchema,
  CreateTokenBodySchema,
  ListTokensQuerySchema,
  TokenPageSchema,
  TokenSchema,
} from './schemas.js';
import type { TokensService } from './service.js';

export async function tokensRoutes(app: FastifyInstance, { service }: { service: TokensService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Deliberately not idempotent: a replayed response would have to store the secret it shows.
  r.post(
    '/v1/tokens',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'createToken',
        tags: ['tokens'],
        summary: 'Create an API token; its secret is in this response only',
        body: CreateTokenBodySchema,
        response: {
          201: jsonResponse(CreatedTokenSchema, 'The token with its secret'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { token, secret } = await service.create(request.body, actorOf(request));
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...token, secret });
    },
  );

  r.get(
    '/v1/tokens',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'listTokens',
        tags: ['tokens'],
        summary: 'List API tokens (never their secrets), oldest first',
        querystring: ListTokensQuerySchema,
        response: {
          200: jsonResponse(TokenPageSchema, 'A page of tokens'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => service.list(request.query),
  );

  r.delete(
    '/v1/tokens/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'revokeToken',
        tags: ['tokens'],
        summary: 'Revoke an API token; it answers 401 from now on',
        params: IdParamsSchema,
        response: {
          200: jsonResponse(TokenSchema, 'The revoked token'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => service.revoke(request.params.id, actorOf(request)),
  );
}
