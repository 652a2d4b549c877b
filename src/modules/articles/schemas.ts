import { z } from 'zod';

export {
  type ArticlePage,
  ArticlePageSchema,
  type ArticleTeaser,
  ArticleTeaserSchema,
  CreditRefSchema,
  HeroImageSchema,
  TagRefSchema,
} from '../teasers/schemas.js';

import { UUID_PATTERN } from '../../shared/ids.js';
import { nestingProblem } from '../../shared/markdown-nesting.js';
import {
  CursorSchema,
  idNumber,
  LangSchema,
  LimitSchema,
  linkUrl,
  nameText,
  SlugSchema,
  text,
} from '../../shared/schemas.js';
import { HeroImageSchema, nullableUrl, TagRefSchema, teaserFields } from '../teasers/schemas.js';

export const SourceSchema = z
  .object({ name: z.string().min(1).max(200), url: nullableUrl })
  .meta({ id: 'Source', description: 'Where the story comes from' });

const optionalUrl = linkUrl()
  .nullish()
  .transform((v) => v ?? null);
const optionalName = (max: number) =>
  nameText()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v ?? null);

/** What editors send: only what they know; the rest is stored as null. */
export const CreditRefInputSchema = z
  .object({ name: nameText().trim().min(1).max(200), organization: optionalName(200), url: optionalUrl })
  .strict()
  .meta({ id: 'CreditRefEdit', description: 'Who to credit for an image: as given, not a stored credit' });
export const HeroImageInputSchema = z
  .object({
    url: optionalUrl,
    alt: text().max(500),
    caption: text()
      .trim()
      .max(1000)
      .nullish()
      .transform((v) => v ?? null),
    credit: CreditRefInputSchema.nullish().transform((v) => v ?? null),
  })
  .strict()
  .meta({ id: 'HeroImageEdit', description: 'The image shown with the article' });
export const SourceInputSchema = z
  .object({ name: nameText().trim().min(1).max(200), url: optionalUrl })
  .strict()
  .meta({ id: 'SourceEdit', description: 'Where the story comes from' });

/** A credit as a revision snapshot holds it: by value, so history survives a rename or deletion. */
export const SnapshotCreditSchema = z
  .object({
    credit_id: z.number().int().nullable(),
    role: z.string().min(1).max(50),
    name: z.string().min(1).max(200),
    organization: z.string().max(200).nullable(),
    url: nullableUrl,
    license: z.string().max(200).nullable(),
  })
  .meta({
    id: 'CreditSnapshot',
    description: 'A credit as the revision holds it: by value, so history survives a rename or deletion',
  });

/** The full content of one revision. */
export const ArticleContentSchema = z
  .object({
    title: z.string().min(1).max(300),
    slug: SlugSchema,
    standfirst: z.string().max(2000).nullable(),
    body: z.string().max(500_000),
    tags: z.array(TagRefSchema).max(50),
    credits: z.array(SnapshotCreditSchema).max(50),
    hero_image: HeroImageSchema.nullable(),
    source: SourceSchema.nullable(),
    ai_generated: z.boolean(),
  })
  .meta({ id: 'ArticleContent' });
export type ArticleContent = z.infer<typeof ArticleContentSchema>;

export const ArticleCreditSchema = z
  .object({
    id: z.number().int(),
    role: z.string().meta({ examples: ['image', 'source', 'author'] }),
    name: z.string(),
    organization: z.string().nullable(),
    url: z.string().nullable(),
    license: z.string().nullable(),
  })
  .meta({ id: 'ArticleCredit' });

export const PublicArticleSchema = z
  .object({
    view: z.literal('public').meta({ description: 'Which view of the article this is: the published one' }),
    ...teaserFields,
    body: z.string().meta({ description: 'Markdown' }),
    body_html: z.string().meta({ description: 'The body rendered to sanitized HTML' }),
    credits: z.array(ArticleCreditSchema),
    source: SourceSchema.nullable(),
    comments_open: z.boolean(),
    revision: z.number().int().meta({ description: 'Number of the published revision' }),
  })
  .meta({ id: 'Article', description: 'A published article' });
export type PublicArticle = z.infer<typeof PublicArticleSchema>;

export const ListArticlesQuerySchema = z.object({
  q: z
    .string()
    .max(2000)
    .optional()
    .meta({
      description:
        'Full-text search: words, "quoted phrases", a trailing * for a prefix of 2 letters or more; ' +
        'at most 12 words (phrases included), 4 of them prefixes; results best first, at most 25 a page',
    }),
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
  tag: SlugSchema.optional().meta({ description: 'Only articles with this tag slug' }),
  lang: LangSchema.optional().meta({ description: 'Only articles in this language' }),
});
export type ListArticlesQuery = z.infer<typeof ListArticlesQuerySchema>;

/**
 * Every /v1/articles/{article}/... route names the article the same way, and the resolver alone
 * decides what the name means (see resolver.ts).
 */
export const ArticleNameSchema = z
  .string()
  .min(1)
  .max(300)
  .meta({
    description:
      "The article's id or slug; a former slug redirects a reader's GET (301) and names the article otherwise. " +
      'A working slug the article moved away from before readers were served it (and no pending schedule would publish under) is let go: it names no article, and another article may take it',
  });
export const ArticleRefParamsSchema = z.object({ article: ArticleNameSchema });

/** A credit to attach: an existing one by id, or one described by value (found or created). */
export const CreditInputSchema = z
  .union([
    z.object({ role: nameText().min(1).max(50), credit_id: idNumber() }).strict(),
    z
      .object({
        role: nameText().min(1).max(50),
        name: nameText().trim().min(1).max(200),
        organization: nameText().trim().max(200).nullish(),
        url: linkUrl().nullish(),
        license: text().trim().max(200).nullish(),
      })
      .strict(),
  ])
  .meta({ id: 'CreditAttachment', description: 'A credit to attach: an existing one by `credit_id`, or one by value' });
export type CreditInput = z.infer<typeof CreditInputSchema>;

/**
 * A slug an editor gives an article. It may not have the shape of an article id: a URL names an
 * article by id before slug, so such a slug would serve readers another article, or none.
 */
const ArticleSlugSchema = SlugSchema.refine((slug) => !UUID_PATTERN.test(slug), {
  message: 'must not have the shape of an article id',
}).meta({ description: 'Never shaped like an article id (8-4-4-4-12 hex digits)' });

export const CreateArticleInputSchema = z.object({
  title: text().trim().min(1).max(300),
  slug: ArticleSlugSchema.optional(),
  lang: LangSchema,
  standfirst: text().trim().max(2000).nullish(),
  body: text()
    .max(500_000)
    .superRefine((body, ctx) => {
      // Refused before anything is stored: the renderer cannot follow nesting this deep.
      const problem = nestingProblem(body);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description: 'Markdown; blockquotes, lists and emphasis nest at most 32 levels deep' }),
  tags: z.array(nameText().trim().min(1).max(100)).max(50).optional(),
  credits: z.array(CreditInputSchema).max(50).optional(),
  hero_image: HeroImageInputSchema.nullish(),
  source: SourceInputSchema.nullish(),
  ai_generated: z.boolean().optional(),
  comments_open: z.boolean().optional(),
});
export type CreateArticleInput = z.infer<typeof CreateArticleInputSchema>;
