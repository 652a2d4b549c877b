import { z } from 'zod';
import { linkUrl, nameText, PaginationQuerySchema, page, text } from '../../shared/schemas.js';

export const CreditSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    organization: z.string().nullable().meta({ description: 'Organization or platform, such as Unsplash' }),
    url: z.string().nullable(),
    license: z.string().nullable(),
    article_count: z.number().int().meta({ description: 'Published articles that credit it' }),
  })
  .meta({ id: 'Credit', description: 'A person or organisation credited for content' });
export type Credit = z.infer<typeof CreditSchema>;

export const CreditPageSchema = page(CreditSchema, 'CreditPage');
export type CreditPage = z.infer<typeof CreditPageSchema>;

export const ListCreditsQuerySchema = PaginationQuerySchema;
export type ListCreditsQuery = z.infer<typeof ListCreditsQuerySchema>;

const nullableText = text().trim().max(200).nullish();

export const CreateCreditBodySchema = z
  .object({
    name: nameText().trim().min(1).max(200),
    organization: nameText()
      .trim()
      .max(200)
      .nullish()
      .meta({ description: 'Organization or platform, such as Unsplash' }),
    url: linkUrl().nullish(),
    license: nullableText,
  })
  .strict()
  .meta({ id: 'CreateCredit' });
export type CreateCreditBody = z.infer<typeof CreateCreditBodySchema>;

export const UpdateCreditBodySchema = CreateCreditBodySchema.partial()
  .strict()
  .meta({ id: 'UpdateCredit', description: 'Changes never alter the history of revisions that used the credit' });
export type UpdateCreditBody = z.infer<typeof UpdateCreditBodySchema>;
