import { z } from 'zod';
import {
  IdParamsSchema,
  MAX_ID,
  PaginationQuerySchema,
  page,
  SPOOFING_MESSAGE,
  TimestampSchema,
  text,
} from '../../shared/schemas.js';
import { NO_SPOOFING_CHARACTERS } from '../../shared/unicode.js';
import { SUBSCRIPTIONS } from '../events/catalogue.js';

const KNOWN: ReadonlySet<string> = new Set(SUBSCRIPTIONS);

export const WebhookUrlSchema = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .regex(NO_SPOOFING_CHARACTERS, SPOOFING_MESSAGE)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
    } else if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not carry credentials: the signature authenticates each call' });
    }
  })
  .meta({ description: 'Where events are POSTed: http or https, no credentials, at most 2048 characters' });

/**
 * One entry of a subscription. The enum documents what the check below accepts; the check, not
 * the enum, validates, so that an unknown name gets a message listing the known ones.
 */
const EventSubscriptionSchema = z
  .string()
  .max(100)
  .meta({
    id: 'EventSubscription',
    description: 'An event type, `<entity>.*` for every event of one entity, or `*` for all',
    enum: [...SUBSCRIPTIONS],
  });

export const WebhookEventsSchema = z
  .array(EventSubscriptionSchema)
  .min(1, 'must name at least one event')
  .max(SUBSCRIPTIONS.length, `must name at most ${SUBSCRIPTIONS.length} events`)
  .superRefine((events, ctx) => {
    const unknown = events.filter((e) => !KNOWN.has(e));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown event${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}; known: ${SUBSCRIPTIONS.join(', ')}`,
      });
    }
  })
  .transform((events) => [...new Set(events)])
  .meta({
    description: 'What the webhook receives: event types, `<entity>.*`, or `*` for all',
    examples: [['article.published', 'article.unpublished'], ['*']],
  });

const timestamp = TimestampSchema;

export const WebhookSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    description: z.string(),
    events: z.array(EventSubscriptionSchema),
    enabled: z.boolean(),
    disabled_reason: z
      .string()
      .nullable()
      .meta({ description: 'Why the webhook was disabled: a 410 answer, too many failures in a row, an admin' }),
    disabled_at: timestamp.nullable(),
    consecutive_failures: z.number().int().meta({
      description:
        'Deliveries given up in a row (each after its retries) since the last success; at WEBHOOKS_DISABLE_AFTER the webhook is disabled',
    }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof WebhookSchema>;

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().meta({
    description:
      'The signing secret (`whsec_` and base64), shown this once: receivers verify each call with it (Standard Webhooks)',
  }),
}).meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.infer<typeof CreatedWebhookSchema>;

export const WebhookPageSchema = page(WebhookSchema, 'WebhookPage');
export type WebhookPage = z.infer<typeof WebhookPageSchema>;

export const ListWebhooksQuerySchema = PaginationQuerySchema;
export type ListWebhooksQuery = z.infer<typeof ListWebhooksQuerySchema>;

export const WebhookParamsSchema = IdParamsSchema;

export const CreateWebhookBodySchema = z
  .object({
    url: WebhookUrlSchema,
    events: WebhookEventsSchema,
    description: text().trim().max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhook' });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

export const UpdateWebhookBodySchema = z
  .object({
    url: WebhookUrlSchema.optional(),
    events: WebhookEventsSchema.optional(),
    description: text().trim().max(500).optional(),
    enabled: z.boolean().optional().meta({
      description:
        'false stops the webhook and its pending deliveries; true starts it again with a clean failure count',
    }),
  })
  .strict()
  .meta({ id: 'UpdateWebhook' });
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBodySchema>;

export const DeliverySchema = z
  .object({
    id: z.number().int(),
    event_id: z.number().int().meta({ description: "The event's sequence number" }),
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    last_status: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The HTTP status of the last answer; null if none came' }),
    last_error: z.string().nullable().meta({ description: 'Why the last attempt failed' }),
    last_response: z.string().nullable().meta({ description: 'The first bytes of the last answer body' }),
    last_attempt_at: timestamp.nullable(),
    next_attempt_at: timestamp.nullable().meta({ description: 'When the next attempt is due; null once settled' }),
    created_at: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });
export type Delivery = z.infer<typeof DeliverySchema>;

export const DeliveryPageSchema = page(DeliverySchema, 'WebhookDeliveryPage');
export type DeliveryPage = z.infer<typeof DeliveryPageSchema>;

export const ListDeliveriesQuerySchema = PaginationQuerySchema;
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuerySchema>;

export const DeliveryParamsSchema = IdParamsSchema.extend({
  delivery: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be positive')
    .max(MAX_ID, `must be at most ${MAX_ID}`),
});
