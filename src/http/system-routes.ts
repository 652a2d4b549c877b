import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnavailableError } from '../errors.js';
import { problemResponses } from './problem.js';
import { jsonResponse } from './responses.js';

/** Nothing says when a database that stopped answering comes back: a few seconds between probes. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export async function systemRoutes(app: FastifyInstance, { ping }: { ping: () => Promise<void> }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getHealth',
        tags: ['system'],
        summary: 'Liveness and readiness: 200 once the database answers',
        response: { 200: jsonResponse(HealthSchema, 'The database answers'), ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      try {
        await ping();
      } catch (err) {
        // Closed, or an I/O error: this node cannot serve, which is what a 503 tells a load balancer.
        request.log.error({ err }, 'the database does not answer');
        throw new UnavailableError('The database does not answer', UNAVAILABLE_RETRY_AFTER_S);
      }
      return reply.header('cache-control', 'no-store').send({ status: 'ok' as const });
    },
  );

  r.get(
    '/openapi.json',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['system'],
        summary: 'This OpenAPI 3.1 document (the same as openapi.yaml)',
        response: {
          200: jsonResponse(z.looseObject({ openapi: z.string() }), 'An OpenAPI 3.1 document'),
          ...problemResponses(),
        },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(app.swagger() as { openapi: string }),
  );
}
