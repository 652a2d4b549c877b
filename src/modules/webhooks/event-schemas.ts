/**
 * What a receiver is sent, one schema per family of events: documented in the OpenAPI document's
 * `webhooks` section, from the same builders' fields as src/modules/events/catalogue.ts writes.
 * Loose objects: a receiver must accept fields added later.
 */
import { z } from 'zod';
import { EVENT_TYPES, PING } from '../events/catalogue.js';

const typesOf = (entity: string) => EVENT_TYPES.filter((t) => t.startsWith(`${entity}.`));

function envelope<T extends z.ZodType>(types: readonly [string, ...string[]], data: T) {
  return z.looseObject({
    id: z.string().meta({
      description: 'The event id, also sent as webhook-id: the same on every attempt, to drop duplicates',
      examples: ['evt_42'],
    }),
    type: z.enum(types),
    occurred_at: z.iso.datetime().meta({ description: 'When the change was committed' }),
    sequence: z.number().int().meta({
      description: 'Grows with commit order across all events: order by it, and drop what you have already seen',
    }),
    data,
    surrogate_keys: z.array(z.string()).meta({
      description: 'The Surrogate-Key values of the responses the change touches: purge them from a CDN',
      examples: [['articles', 'article:5f0c2e1a-7d3b-4e8f-9a61-2b7c4d9e0f13', 'tags', 'credits']],
    }),
  });
}

const [firstArticle, ...restArticle] = typesOf('article');
export const ArticleEventSchema = envelope(
  [firstArticle ?? 'article.published', ...restArticle],
  z.looseObject({
    id: z.string(),
    slug: z.string(),
    title: z.string().nullable().optional(),
    revision: z.number().int().nullable().optional().meta({ description: 'The published (or scheduled) revision' }),
    publish_at: z.iso.datetime().optional().meta({ description: 'article.scheduled: when it will be published' }),
  }),
);

const [firstComment, ...restComment] = typesOf('comment');
export const CommentEventSchema = envelope(
  [firstComment ?? 'comment.created', ...restComment],
  z
    .object({
      id: z.number().int(),
      article_id: z.string(),
      status: z.string().optional(),
    })
    .meta({ description: 'Ids and the status only: fetch the comment with a moderator token' }),
);

const [firstTag, ...restTag] = typesOf('tag');
export const TagEventSchema = envelope(
  [firstTag ?? 'tag.created', ...restTag],
  z.looseObject({
    id: z.number().int(),
    slug: z.string(),
    name: z.string().optional(),
    previous_slug: z
      .string()
      .optional()
      .meta({ description: 'On tag.updated, the slug the tag had before, when it changed' }),
  }),
);

const [firstCredit, ...restCredit] = typesOf('credit');
export const CreditEventSchema = envelope(
  [firstCredit ?? 'credit.created', ...restCredit],
  z.looseObject({ id: z.number().int(), name: z.string().optional() }),
);

export const PingEventSchema = envelope([PING], z.looseObject({ webhook_id: z.number().int() }));

export const EVENT_FAMILIES = [
  {
    name: 'article',
    schema: ArticleEventSchema,
    summary: 'An article was published, updated, scheduled, unpublished or archived',
  },
  {
    name: 'comment',
    schema: CommentEventSchema,
    summary: 'A comment was posted, or its moderation status changed, or it was erased',
  },
  // published: the first published article carrying it was published; unpublished: the last was
  // withdrawn or republished without it. Readers see a tag or credit only in between.
  { name: 'tag', schema: TagEventSchema, summary: 'A tag was created, renamed, deleted, published or unpublished' },
  {
    name: 'credit',
    schema: CreditEventSchema,
    summary: 'A credit was created, changed, deleted, published or unpublished',
  },
  { name: 'ping', schema: PingEventSchema, summary: 'POST /v1/webhooks/{id}/test: a ping to one webhook' },
] as const;
