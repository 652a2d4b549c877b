import { z } from 'zod';
import { CursorSchema, LimitSchema, page, TimestampSchema } from '../../shared/schemas.js';

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: TimestampSchema,
    actor: z.string().meta({ description: 'Name of the token (or tool) that acted' }),
    action: z.string().meta({ examples: ['article.publish', 'article.merge', 'token.revoke'] }),
    article_id: z.string().nullable(),
    subject_type: z.string().meta({ examples: ['article', 'token', 'tag', 'credit'] }),
    subject_id: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry', description: 'One editorial or administrative action' });
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = page(AuditEntrySchema, 'AuditPage');
export type AuditPage = z.infer<typeof AuditPageSchema>;

export const ListAuditQuerySchema = z.object({
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
  article_id: z.string().min(1).max(300).optional().meta({ description: 'Only actions on this article' }),
  actor: z.string().min(1).max(200).optional().meta({ description: 'Only actions by this token name' }),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;
