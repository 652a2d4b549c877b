import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../../http/access.js';
import { problemResponses } from '../../../http/problem.js';
import { jsonResponse } from '../../../http/responses.js';
import { EditorArticleSchema, PublishBodySchema } from '../editor-schemas.js';
import { ArticleRefParamsSchema } from '../schemas.js';
import type { PublishingService } from './publishing-service.js';

export async function publishingRoutes(app: FastifyInstance, { service }: { service: PublishingService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/articles/:article/publish',
    {
      config: { access: 'editor', idempotent: true },
      schema: {
        operationId: 'publishArticle',
        tags: ['articles'],
        summary: 'Publish a revision (default: the head) now, or from a future time',
        description:
          'A future `at` schedules the publication: the article appears on its own at that time. Drafts posted ' +
          'afterwards stay private until published. Publishing now and scheduling run the same checks, so what ' +
          'could not be published (a body that cannot be rendered, a slug taken by another article) is refused ' +
          'here (422, 409) and nothing is stored. A schedule that still fails when it comes due is not retried: ' +
          'the editor view shows it in `schedule_failure`.',
        params: ArticleRefParamsSchema,
        body: PublishBodySchema.nullish(),
        response: {
          200: jsonResponse(EditorArticleSchema, 'The article, published or scheduled'),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request) => service.publish(request.params.article, request.body ?? {}, actorOf(request)),
  );

  r.post(
    '/v1/articles/:article/unpublish',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'unpublishArticle',
        tags: ['articles'],
        summary: 'Take an article out of the public API (and cancel a scheduled publication)',
        params: ArticleRefParamsSchema,
        response: {
          200: jsonResponse(EditorArticleSchema, 'The article, now a draft'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => service.unpublish(request.params.article, actorOf(request)),
  );
}
