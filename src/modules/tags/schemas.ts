import { z } from 'zod';
import { nameText, PaginationQuerySchema, page, SlugSchema, text } from '../../shared/schemas.js';

export const TagSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    article_count: z.number().int().meta({ description: 'Published articles with this tag' }),
  })
  .meta({ id: 'Tag' });
export type Tag = z.infer<typeof TagSchema>;

export const TagPageSchema = page(TagSchema, 'TagPage');
export type TagPage = z.infer<typeof TagPageSchema>;

export const ListTagsQuerySchema = PaginationQuerySchema;
export type ListTagsQuery = z.infer<typeof ListTagsQuerySchema>;

export const TagParamsSchema = z.object({ slug: z.string().min(1).max(200) });

export const CreateTagBodySchema = z
  .object({
    name: nameText().trim().min(1).max(100),
    slug: SlugSchema.optional().meta({ description: 'Default: made from the name' }),
    description: text().trim().max(2000).nullish(),
  })
  .strict()
  .meta({ id: 'CreateTag' });
export type CreateTagBody = z.infer<typeof CreateTagBodySchema>;

export const UpdateTagBodySchema = CreateTagBodySchema.partial()
  .strict()
  .meta({ id: 'UpdateTag', description: 'Renaming never changes the history of revisions that used the tag' });
export type UpdateTagBody = z.infer<typeof UpdateTagBodySchema>;
