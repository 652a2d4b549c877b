import { z } from 'zod';
import { IdParamsSchema, idNumber, PaginationQuerySchema, page, TimestampSchema } from '../../shared/schemas.js';
import { ArticleNameSchema } from '../articles/schemas.js';

export const PREVIEW_TTL = { defaultS: 86_400, minS: 60, maxS: 604_800 } as const;

export const CreatePreviewBodySchema = z
  .object({
    revision: idNumber()
      .optional()
      .meta({ description: "The revision to show; omitted, the link follows the article's latest revision" }),
    expires_in: z
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(PREVIEW_TTL.minS, `must be at least ${PREVIEW_TTL.minS} seconds`)
      .max(PREVIEW_TTL.maxS, `must be at most ${PREVIEW_TTL.maxS} seconds (7 days)`)
      .default(PREVIEW_TTL.defaultS)
      .meta({ description: 'Seconds the link works for: 60 to 604800 (7 days); default 86400 (24 hours)' }),
  })
  .strict()
  .meta({ id: 'CreatePreview' });
export type CreatePreviewBody = z.infer<typeof CreatePreviewBodySchema>;

const linkFields = {
  id: z.number().int(),
  article_id: z.uuid(),
  revision: z
    .number()
    .int()
    .nullable()
    .meta({ description: "The revision shown; null: the article's latest revision, whichever it is when opened" }),
  expires_at: TimestampSchema,
  created_at: TimestampSchema,
};

export const CreatedPreviewSchema = z
  .object({
    ...linkFields,
    url: z.url().meta({ description: 'Where the preview is read: GET /v1/preview/{token}, or PREVIEW_URL when set' }),
    token: z.string().meta({ description: 'The secret the URL carries; shown in this response only, stored hashed' }),
  })
  .meta({ id: 'CreatedPreview', description: 'A new preview link, with its token' });
export type CreatedPreview = z.infer<typeof CreatedPreviewSchema>;

export const PreviewLinkSchema = z
  .object({
    ...linkFields,
    created_by: z.string().meta({ description: 'Name of the token that made it' }),
    revoked_at: TimestampSchema.nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .meta({ id: 'PreviewLink', description: 'A preview link as editors list it: never its token' });
export type PreviewLink = z.infer<typeof PreviewLinkSchema>;

export const PreviewLinkPageSchema = page(PreviewLinkSchema, 'PreviewLinkPage');
export type PreviewLinkPage = z.infer<typeof PreviewLinkPageSchema>;

export const ListPreviewsQuerySchema = PaginationQuerySchema;

export const PreviewLinkParamsSchema = z.object({
  article: ArticleNameSchema,
  id: IdParamsSchema.shape.id,
});

export const PreviewTokenParamsSchema = z.object({
  // No bound of its own beyond the router's: a token of any other length is answered as an unknown one.
  token: z.string().min(1).meta({ description: 'The token of a preview link' }),
});
