import { z } from 'zod';
import { CursorSchema, TimestampSchema } from '../../shared/schemas.js';

/** The most entries one page of the change feed holds: a consumer catching up reads large pages. */
export const CHANGES_LIMIT_MAX = 1000;
const limitMessage = `must be a whole number from 1 to ${CHANGES_LIMIT_MAX}`;

export const ChangeSchema = z
  .object({
    sequence: z.number().int().meta({ description: 'Position in commit order; grows with every change' }),
    type: z.enum(['upsert', 'delete']).meta({
      description: '`upsert`: the entity is public now (fetch it again); `delete`: it left the public API',
    }),
    entity: z.enum(['article', 'tag', 'credit']).meta({
      description:
        'What changed. A tag or credit is public while a published article carries it: it is upserted ' +
        'when the first one is published, and deleted when the last one is withdrawn',
    }),
    id: z.string().meta({ description: 'The entity id (tag and credit ids as decimal strings)', examples: ['42'] }),
    slug: z
      .string()
      .nullable()
      .meta({ description: 'The slug it is public under (for a tombstone, the one it had); null for credits' }),
    at: TimestampSchema.meta({ description: 'When the change committed' }),
  })
  .meta({ id: 'Change', description: 'One change of public content, as the change feed lists it' });
export type Change = z.infer<typeof ChangeSchema>;

export const ChangePageSchema = z
  .object({
    data: z.array(ChangeSchema),
    meta: z
      .object({
        next_cursor: z.string().meta({
          description:
            'Where the next page starts: after the last entry shown, or where this page started when it is empty. ' +
            'Always present: poll with it as `since` to hear of later changes',
        }),
        has_more: z.boolean().meta({ description: 'Whether changes past this page exist already' }),
      })
      .meta({ id: 'ChangePageMeta' }),
  })
  .meta({ id: 'ChangePage', description: 'A page of the change feed, in commit order' });
export type ChangePage = z.infer<typeof ChangePageSchema>;

export const ListChangesQuerySchema = z.object({
  since: CursorSchema.optional().meta({
    description: 'Opaque cursor from meta.next_cursor of an earlier page; absent, the feed starts from the beginning',
  }),
  limit: z.coerce
    .number({ error: limitMessage })
    .int(limitMessage)
    .min(1, limitMessage)
    .max(CHANGES_LIMIT_MAX, limitMessage)
    .default(100)
    .meta({ description: `Entries per page, 1 to ${CHANGES_LIMIT_MAX}` }),
});
export type ListChangesQuery = z.infer<typeof ListChangesQuerySchema>;
