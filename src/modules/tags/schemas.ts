import { z } from 'zod';
import { CursorSchema, LimitSchema, page } from '../../shared/schemas.js';

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

export const ListTagsQuerySchema = z.object({ limit: LimitSchema, cursor: CursorSchema.optional() });
export type ListTagsQuery = z.infer<typeof ListTagsQuerySchema>;

export const TagParamsSchema = z.object({ slug: z.string().min(1).max(200) });
