import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../http/access.js';
import { problemResponses } from '../../http/problem.js';
import { createdResponse, jsonResponse, NoContentSchema } from '../../http/responses.js';
import {
  CreatedWebhookSchema,
  CreateWebhookBodySchema,
  DeliveryPageSchema,
  DeliveryParamsSchema,
  DeliverySchema,
  ListDeliveriesQuerySchema,
  ListWebhooksQuerySchema,
  UpdateWebhookBodySchema,
  WebhookPageSchema,
  WebhookParamsSchema,
  WebhookSchema,
} from './schemas.js';
import type { WebhooksService } from './service.js';

const PRIVATE_TARGETS =
  'A URL whose host is, or resolves to, a loopback, private, link-local or otherwise non-public address is refused (400), unless the server runs with WEBHOOKS_ALLOW_PRIVATE=true.';

export async function webhooksRoutes(app: FastifyInstance, { service }: { service: WebhooksService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Deliberately not idempotent: a replayed response would have to store the secret it shows.
  r.post(
    '/v1/webhooks',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'createWebhook',
        tags: ['webhooks'],
        summary: 'Register a webhook; its signing secret is in this response only',
        description: `Events are POSTed to the URL, signed as Standard Webhooks specifies. ${PRIVATE_TARGETS}`,
        body: CreateWebhookBodySchema,
        response: {
          201: createdResponse(CreatedWebhookSchema, 'The webhook with its secret; Location gives its URL'),
          ...problemResponses(400, 401, 403, 503),
        },
      },
    },
    async (request, reply) => {
      const webhook = await service.create(request.body, actorOf(request));
      return reply
        .code(201)
        .header('location', `/v1/webhooks/${webhook.id}`)
        .header('cache-control', 'no-store')
        .send(webhook);
    },
  );

  r.get(
    '/v1/webhooks',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: 'List webhooks (never their secrets), oldest first',
        querystring: ListWebhooksQuerySchema,
        response: { 200: jsonResponse(WebhookPageSchema, 'A page of webhooks'), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => service.list(request.query),
  );

  r.get(
    '/v1/webhooks/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'getWebhook',
        tags: ['webhooks'],
        summary: 'Get one webhook (never its secret)',
        params: WebhookParamsSchema,
        response: { 200: jsonResponse(WebhookSchema, 'The webhook'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => service.get(request.params.id),
  );

  r.patch(
    '/v1/webhooks/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'updateWebhook',
        tags: ['webhooks'],
        summary: 'Change a webhook: its URL, events, description, or whether it is enabled',
        description: `Disabling stops its pending deliveries; enabling clears the reason it was disabled and its failure count. ${PRIVATE_TARGETS}`,
        params: WebhookParamsSchema,
        body: UpdateWebhookBodySchema,
        response: { 200: jsonResponse(WebhookSchema, 'The webhook'), ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => service.update(request.params.id, request.body, actorOf(request)),
  );

  r.delete(
    '/v1/webhooks/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'deleteWebhook',
        tags: ['webhooks'],
        summary: 'Delete a webhook and its delivery log',
        params: WebhookParamsSchema,
        response: { 204: NoContentSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await service.remove(request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );

  r.post(
    '/v1/webhooks/:id/test',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'pingWebhook',
        tags: ['webhooks'],
        summary: 'Send a webhook.ping event to this webhook alone',
        description: 'Answers at once with the queued delivery; its log says what the receiver answered.',
        params: WebhookParamsSchema,
        response: {
          202: jsonResponse(DeliverySchema, 'The ping, queued'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => reply.code(202).send(await service.ping(request.params.id)),
  );

  r.get(
    '/v1/webhooks/:id/deliveries',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: "A webhook's deliveries, newest first: status, attempts, the last answer and the next attempt",
        params: WebhookParamsSchema,
        querystring: ListDeliveriesQuerySchema,
        response: {
          200: jsonResponse(DeliveryPageSchema, 'A page of deliveries'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => service.deliveries(request.params.id, request.query),
  );

  r.post(
    '/v1/webhooks/:id/deliveries/:delivery/retry',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'retryWebhookDelivery',
        tags: ['webhooks'],
        summary: 'Send a delivery again now, whether it failed or succeeded',
        description:
          'The delivery becomes pending and due at once. If that attempt fails, it is retried only while its event is within WEBHOOKS_RETRY_HOURS.',
        params: DeliveryParamsSchema,
        response: {
          202: jsonResponse(DeliverySchema, 'The delivery, queued'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => reply.code(202).send(await service.retry(request.params.id, request.params.delivery)),
  );
}
