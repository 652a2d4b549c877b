import { z } from 'zod';
import {
  CursorSchema,
  idNumber,
  LimitSchema,
  PaginationQuerySchema,
  PRINTABLE_TEXT,
  page,
  SPOOFING_MESSAGE,
  TimestampSchema,
  text,
} from '../../shared/schemas.js';
import { NO_SPOOFING_CHARACTERS } from '../../shared/unicode.js';

export const COMMENT_STATUSES = ['pending', 'approved', 'rejected', 'spam'] as const;
export const CommentStatusSchema = z.enum(COMMENT_STATUSES).meta({ id: 'CommentStatus' });
export type CommentStatus = z.infer<typeof CommentStatusSchema>;

/** Replies nest at most this deep: depth 0 is a top-level comment. */
export const MAX_DEPTH = 2;

const requiredText = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .regex(PRINTABLE_TEXT, 'must not contain control characters');

const CommentIdSchema = idNumber();

/** 32 to 128 URL-safe characters; the receipt hands out 43 (256 random bits). */
export const AuthorKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{32,128}$/, 'must be 32 to 128 letters, digits, - or _')
  .meta({
    description:
      'A secret that proves the author: the server stores only its SHA-256. With COMMENTS_AUTO_APPROVE_KNOWN, a ' +
      'comment is approved at once only when an approved comment has the same e-mail and the same key',
  });

export const CreateCommentBodySchema = z
  .object({
    author_name: requiredText
      .regex(NO_SPOOFING_CHARACTERS, SPOOFING_MESSAGE)
      .trim()
      .min(1, 'must be 1 to 80 characters')
      .max(80, 'must be 1 to 80 characters')
      .meta({ description: 'Published with the comment' }),
    author_email: z.email({ error: 'must be a valid e-mail address' }).max(254).meta({
      description: 'Never published; lets a moderator recognise an author',
    }),
    body: requiredText
      .trim()
      .min(1, 'must be 1 to 5000 characters')
      .max(5000, 'must be 1 to 5000 characters')
      .meta({ description: 'Plain text; links become clickable' }),
    parent_id: CommentIdSchema.nullish().meta({ description: 'An approved comment of the same article' }),
    website: z.string().max(2048).optional().meta({
      description: 'Leave empty: a field hidden from people, so only bots fill it in',
    }),
    author_key: AuthorKeySchema.optional(),
  })
  .meta({ id: 'CreateComment' });
export type CreateCommentBody = z.infer<typeof CreateCommentBodySchema>;

export const CommentReceiptSchema = z
  .object({
    status: z.enum(['pending', 'approved']).meta({
      description: 'approved: visible now; pending: waits for a moderator',
    }),
    author_key: AuthorKeySchema.meta({
      description:
        'The author key the comment is filed under: the one sent, or a new one when none was. Keep it with the ' +
        'reader (like a comment cookie) and send it with their next comments: with the same e-mail, it is what ' +
        'lets an approved author be approved at once',
    }),
  })
  .meta({
    id: 'CommentReceipt',
    description:
      'The same for every comment the API accepts, spam and duplicates included: it tells nothing about ' +
      'earlier comments, their authors, or which rule judged this one',
  });
export type CommentReceipt = z.infer<typeof CommentReceiptSchema>;

export const PublicCommentSchema = z
  .object({
    id: z.number().int(),
    parent_id: z.number().int().nullable(),
    author_name: z.string().meta({ description: '"[deleted]" once the author\'s data was erased' }),
    body: z.string().meta({ description: 'Plain text, as written' }),
    body_html: z.string().meta({ description: 'The body escaped, links clickable (rel="nofollow ugc noopener")' }),
    created_at: TimestampSchema,
  })
  .meta({ id: 'Comment', description: 'An approved reader comment' });
export type PublicComment = z.infer<typeof PublicCommentSchema>;

export const CommentPageSchema = page(PublicCommentSchema, 'CommentPage');
export type CommentPage = z.infer<typeof CommentPageSchema>;

export const ListCommentsQuerySchema = PaginationQuerySchema;
export type ListCommentsQuery = z.infer<typeof ListCommentsQuerySchema>;

export const ReasonSchema = z
  .object({
    rule: z.string().meta({ examples: ['links'] }),
    detail: z.string().meta({ examples: ['3 links, more than 2'] }),
  })
  .meta({ id: 'ModerationReason', description: 'A rule that fired when the comment arrived' });

export const ModeratedCommentSchema = z
  .object({
    id: z.number().int(),
    article: z.object({ id: z.string(), slug: z.string(), title: z.string().nullable() }),
    parent_id: z.number().int().nullable(),
    depth: z.number().int(),
    author_name: z.string(),
    author_email: z.string().nullable().meta({ description: 'Null once erased' }),
    body: z.string(),
    status: CommentStatusSchema,
    reasons: z.array(ReasonSchema).meta({ description: 'Every rule that fired when the comment arrived' }),
    erased_at: TimestampSchema.nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: 'ModeratedComment', description: 'A comment as moderators see it' });
export type ModeratedComment = z.infer<typeof ModeratedCommentSchema>;

export const ModerationEntrySchema = z
  .object({
    actor: z.string().meta({ description: 'The token name, or "system" for the rules on arrival' }),
    at: TimestampSchema,
    from: CommentStatusSchema.nullable().meta({ description: 'Null for the arrival' }),
    to: CommentStatusSchema,
    note: z.string().nullable(),
  })
  .meta({ id: 'ModerationEntry' });
export type ModerationEntry = z.infer<typeof ModerationEntrySchema>;

export const CommentDetailSchema = ModeratedCommentSchema.extend({
  moderation_log: z.array(ModerationEntrySchema).meta({ description: 'Oldest first' }),
}).meta({ id: 'CommentDetail' });
export type CommentDetail = z.infer<typeof CommentDetailSchema>;

export const ModeratedCommentPageSchema = page(ModeratedCommentSchema, 'ModeratedCommentPage');
export type ModeratedCommentPage = z.infer<typeof ModeratedCommentPageSchema>;

export const QueueQuerySchema = z.object({
  status: z
    .enum([...COMMENT_STATUSES, 'all'])
    .default('pending')
    .meta({ description: 'Which comments to list' }),
  article: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .meta({ description: 'Only comments of this article (id or slug); 404 when there is none' }),
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
});
export type QueueQuery = z.infer<typeof QueueQuerySchema>;

const NoteSchema = text().trim().max(1000).optional().meta({ description: 'Why; kept in the moderation log' });

export const ModerateCommentBodySchema = z.object({ status: CommentStatusSchema, note: NoteSchema });
export type ModerateCommentBody = z.infer<typeof ModerateCommentBodySchema>;

export const BulkModerateBodySchema = z.object({
  ids: z
    .array(CommentIdSchema)
    .min(1)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id'),
  status: CommentStatusSchema,
  note: NoteSchema,
});
export type BulkModerateBody = z.infer<typeof BulkModerateBodySchema>;

export const ModerationResultSchema = z
  .object({
    id: z.number().int(),
    outcome: z.enum(['updated', 'unchanged', 'not_found']),
    from: CommentStatusSchema.nullable().meta({ description: 'The status before; null when not found' }),
    to: CommentStatusSchema.nullable().meta({ description: 'The status now; null when not found' }),
  })
  .meta({ id: 'ModerationResult' });
export type ModerationResult = z.infer<typeof ModerationResultSchema>;

export const BulkModerationSchema = z
  .object({ results: z.array(ModerationResultSchema).meta({ description: 'One per id, in request order' }) })
  .meta({ id: 'BulkModeration' });
