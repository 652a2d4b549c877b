/**
 * The list view of an article, which both the article lists and search results show. It lives
 * apart from the articles and search modules so that search can build pages of it without
 * importing the articles module, which writes the search index.
 */
import { z } from 'zod';
import { TimestampSchema, viewPage } from '../../shared/schemas.js';

export const TagRefSchema = z.object({ slug: z.string(), name: z.string() }).meta({ id: 'TagRef' });

export const nullableUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .nullable();

export const CreditRefSchema = z
  .object({
    name: z.string().min(1).max(200),
    organization: z.string().max(200).nullable(),
    url: nullableUrl,
  })
  .meta({ id: 'CreditRef', description: 'Who is credited for a piece of content' });

export const HeroImageSchema = z
  .object({
    url: nullableUrl.meta({ description: 'Null when the image has no public URL' }),
    alt: z.string().max(500),
    caption: z.string().max(1000).nullable(),
    credit: CreditRefSchema.nullable(),
  })
  .meta({ id: 'HeroImage' });

export const teaserFields = {
  id: z.uuid(),
  slug: z.string(),
  lang: z.string(),
  title: z.string(),
  standfirst: z.string().nullable(),
  tags: z.array(TagRefSchema),
  hero_image: HeroImageSchema.nullable(),
  ai_generated: z.boolean(),
  comment_count: z.number().int().meta({ description: 'Approved comments' }),
  published_at: TimestampSchema,
  updated_at: TimestampSchema,
};

export const ArticleTeaserSchema = z
  .object({
    ...teaserFields,
    snippet: z
      .string()
      .optional()
      .meta({ description: 'With `q` only: where the article matches, as HTML with the hits in <mark>' }),
  })
  .meta({ id: 'ArticleTeaser', description: 'What a list needs: no body' });
export type ArticleTeaser = z.infer<typeof ArticleTeaserSchema>;

export const ArticlePageSchema = viewPage(ArticleTeaserSchema, 'public', 'ArticlePage', 'A page of published articles');
export type ArticlePage = z.infer<typeof ArticlePageSchema>;
