/** The OpenAPI 3.1 `webhooks` section: what Fjord POSTs to a registered URL, one entry per family. */
import { z } from 'zod';
import { EVENT_FAMILIES } from './event-schemas.js';

const signatureHeaders = () =>
  [
    {
      name: 'webhook-id',
      description: 'The event id (as `id` in the body): the same on every attempt',
      example: 'evt_42',
    },
    {
      name: 'webhook-timestamp',
      description: 'When this attempt was signed, in seconds since the epoch: refuse old ones',
      example: '1767225600',
    },
    {
      name: 'webhook-signature',
      description:
        '`v1,` and the base64 HMAC-SHA256 of `webhook-id.webhook-timestamp.body`, keyed with the secret (Standard Webhooks); verify it with a standardwebhooks library',
      example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    },
  ].map(({ name, description, example }) => ({
    name,
    in: 'header',
    required: true,
    description,
    schema: { type: 'string' },
    example,
  }));

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
  // The document declares its dialect once; a $schema inside an operation would repeat it.
  delete json.$schema;
  return json;
}

export function webhookEventsDocument(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_FAMILIES.map(({ name, schema, summary }) => [
      name,
      {
        post: {
          operationId: `${name}Event`,
          tags: ['webhooks'],
          summary,
          description:
            'Sent to each enabled webhook subscribed to the event type, to `<entity>.*` or to `*`, at least once: retried with backoff until a 2xx answer. A 410 answer disables the webhook; redirects are not followed.',
          parameters: signatureHeaders(),
          security: [{ webhookSignature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(schema) } } },
          responses: {
            '2XX': { description: 'Received: the delivery succeeded' },
            '410': { description: 'Gone: the webhook is disabled and sent nothing more' },
            default: { description: 'Any other answer, or none within the timeout: the delivery is retried' },
          },
        },
      },
    ]),
  );
}
