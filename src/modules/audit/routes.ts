import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse } from '../../http/responses.js';
import { AuditPageSchema, ListAuditQuerySchema } from './schemas.js';
import type { AuditService } from './service.js';

export async function auditRoutes(app: FastifyInstance, { service }: { service: AuditService }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/audit',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'listAudit',
        tags: ['audit'],
        summary: 'The audit log, newest first, filterable by article and actor',
        querystring: ListAuditQuerySchema,
        response: {
          200: jsonResponse(AuditPageSchema, 'A page of audit entries'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => service.list(request.query),
  );
}
