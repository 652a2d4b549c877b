/** The OpenAPI 3.1 `webhooks` section: what Fjord POSTs to a registered URL, one entry per family. */
import { isDeepStrictEqual } from 'node:util';
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

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json: JsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
  // The document declares its dialect once; a $schema inside an operation would repeat it.
  delete json.$schema;
  return json;
}

const SCHEMA = '#/components/schemas/';
const PARAMETER = '#/components/parameters/';
const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The `webhooks` section of the OpenAPI document, and the components it refers to: what every
 * event carries (`WebhookEvent`) is said once, and each family (`ArticleEvent`...) adds its `type`
 * and `data`. Sound as `allOf`, since events are open objects.
 */
export function webhookEventsDocument(): {
  webhooks: Record<string, unknown>;
  components: { schemas: Record<string, unknown>; parameters: Record<string, unknown> };
} {
  const families = EVENT_FAMILIES.map((family) => ({ ...family, json: jsonSchemaOf(family.schema) }));
  const [first, ...others] = families;
  const shared = Object.entries(first?.json.properties ?? {}).filter(([name, property]) =>
    others.every(({ json }) => isDeepStrictEqual(json.properties?.[name], property)),
  );
  const isShared = (name: string) => shared.some(([shared]) => shared === name);
  const schemas: Record<string, unknown> = {
    WebhookEvent: {
      type: 'object',
      description: 'What every event carries. Receivers must accept fields added later.',
      properties: Object.fromEntries(shared),
      required: (first?.json.required ?? []).filter(isShared),
      additionalProperties: {},
    },
  };
  for (const { name, json } of families) {
    const own = Object.entries(json.properties ?? {}).filter(([property]) => !isShared(property));
    schemas[`${capitalized(name)}Event`] = {
      allOf: [
        { $ref: `${SCHEMA}WebhookEvent` },
        {
          type: 'object',
          properties: Object.fromEntries(own),
          required: (json.required ?? []).filter((property) => !isShared(property)),
        },
      ],
    };
  }
  const parameters = Object.fromEntries(
    signatureHeaders().map((header) => [
      capitalized(header.name).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
      header,
    ]),
  );
  const webhooks = Object.fromEntries(
    EVENT_FAMILIES.map(({ name, summary }) => [
      name,
      {
        post: {
          operationId: `${name}Event`,
          tags: ['webhooks'],
          summary,
          description:
            'Sent to each enabled webhook subscribed to the event type, to `<entity>.*` or to `*`, at least once: retried with backoff until a 2xx answer. A 410 answer disables the webhook; redirects are not followed.',
          parameters: Object.keys(parameters).map((header) => ({ $ref: `${PARAMETER}${header}` })),
          security: [{ webhookSignature: [] }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `${SCHEMA}${capitalized(name)}Event` } } },
          },
          responses: {
            '2XX': { description: 'Received: the delivery succeeded' },
            '410': { description: 'Gone: the webhook is disabled and sent nothing more' },
            default: { description: 'Any other answer, or none within the timeout: the delivery is retried' },
          },
        },
      },
    ]),
  );
  return { webhooks, components: { schemas, parameters } };
}
