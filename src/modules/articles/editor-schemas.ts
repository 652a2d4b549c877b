import { z } from 'zod';
import { ConflictProblemSchema } from '../../http/problem.js';
import { idNumber, MAX_ID, PaginationQuerySchema, page, TimestampSchema, viewPage } from '../../shared/schemas.js';
import { DIFF_FORMATS, type DiffFormat } from './revisions/diff.js';
import { CONTENT_FIELDS } from './revisions/merge.js';
import {
  ArticleContentSchema,
  ArticleNameSchema,
  ArticlePageSchema,
  CreateArticleInputSchema,
  HeroImageSchema,
  ListArticlesQuerySchema,
  PublicArticleSchema,
  SnapshotCreditSchema,
  SourceSchema,
  TagRefSchema,
} from './schemas.js';

export const ArticleStatusSchema = z
  .enum(['draft', 'scheduled', 'published', 'archived'])
  .meta({ id: 'ArticleStatus', description: '"scheduled": not public yet, a publication is pending' });

const RevisionNumberSchema = idNumber();
const MessageSchema = z.string().trim().max(1000).meta({ description: 'Why this revision was made' });

export const ScheduleSchema = z
  .object({ revision: z.number().int(), at: TimestampSchema })
  .meta({ id: 'Schedule', description: 'A publication that happens on its own at `at`' });

export const ScheduleFailureSchema = z
  .object({
    revision: z.number().int(),
    at: TimestampSchema.meta({ description: 'When the publication was due' }),
    failed_at: TimestampSchema,
    reason: z.string().meta({ examples: ['the body could not be rendered to HTML (RangeError: …)'] }),
  })
  .meta({
    id: 'ScheduleFailure',
    description:
      'A scheduled publication that failed when it came due. It is not retried: the article stays as it was ' +
      '(`scheduled` is null) until an editor acts. Publishing or scheduling again, or unpublishing, clears it.',
  });

/** Rendered when the view is answered, never stored: the read model holds only the published revision's HTML. */
const BodyHtmlSchema = z.string().meta({
  description:
    'The body rendered to sanitized HTML by the renderer publication uses: what readers will see once it is published',
});

const editorFields = {
  id: z.uuid(),
  lang: z.string(),
  status: ArticleStatusSchema,
  revision: z.number().int().meta({ description: 'Number of the head revision, which this view shows' }),
  published_revision: z.number().int().nullable().meta({ description: 'Number of the revision the public sees' }),
  published_at: TimestampSchema.nullable(),
  scheduled: ScheduleSchema.nullable().meta({ description: 'The pending publication, if any' }),
  schedule_failure: ScheduleFailureSchema.nullable(),
  comments_open: z.boolean(),
  comment_count: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
};

export const EditorArticleSchema = z
  .object({
    view: z.literal('editor').meta({ description: "Which view of the article this is: the head revision's" }),
    ...editorFields,
    title: z.string(),
    slug: z.string(),
    standfirst: z.string().nullable(),
    body: z.string(),
    body_html: BodyHtmlSchema,
    tags: z.array(TagRefSchema),
    credits: z.array(SnapshotCreditSchema),
    hero_image: HeroImageSchema.nullable(),
    source: SourceSchema.nullable(),
    ai_generated: z.boolean(),
  })
  .meta({ id: 'EditorArticle', description: "An article as editors see it: its head revision's content" });
export type EditorArticle = z.infer<typeof EditorArticleSchema>;

/** What GET /v1/articles/{article} answers: `view` tells a client, and a validator, which one it got. */
export const ArticleViewSchema = z.discriminatedUnion('view', [PublicArticleSchema, EditorArticleSchema]).meta({
  discriminator: {
    propertyName: 'view',
    mapping: { public: '#/components/schemas/Article', editor: '#/components/schemas/EditorArticle' },
  },
});

export const RevisionResultSchema = EditorArticleSchema.extend({
  merged_onto: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'The head this edit was merged onto, when it was made against an older base' }),
}).meta({ id: 'RevisionResult', description: 'The article after a revision, restore or no-op' });
export type RevisionResult = z.infer<typeof RevisionResultSchema>;

export const EditorArticleSummarySchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    lang: z.string(),
    title: z.string(),
    status: ArticleStatusSchema,
    revision: z.number().int(),
    published_revision: z.number().int().nullable(),
    published_at: TimestampSchema.nullable(),
    scheduled: ScheduleSchema.nullable(),
    schedule_failure: ScheduleFailureSchema.nullable(),
    updated_at: TimestampSchema,
  })
  .meta({ id: 'EditorArticleSummary' });
export type EditorArticleSummary = z.infer<typeof EditorArticleSummarySchema>;
export const EditorArticlePageSchema = viewPage(
  EditorArticleSummarySchema,
  'editor',
  'EditorArticlePage',
  'A page of articles as editors list them: every status',
);

/** What GET /v1/articles answers: `view` tells which list it is, even an empty one. */
export const ArticleListSchema = z.discriminatedUnion('view', [ArticlePageSchema, EditorArticlePageSchema]).meta({
  discriminator: {
    propertyName: 'view',
    mapping: { public: '#/components/schemas/ArticlePage', editor: '#/components/schemas/EditorArticlePage' },
  },
});
export type EditorArticlePage = z.infer<typeof EditorArticlePageSchema>;

export const ArticlesQuerySchema = ListArticlesQuerySchema.extend({
  status: ArticleStatusSchema.optional().meta({
    description: 'Editors only: articles in this status, newest change first',
  }),
});
export type ArticlesQuery = z.infer<typeof ArticlesQuerySchema>;

export const CreateArticleBodySchema = CreateArticleInputSchema.extend({ message: MessageSchema.optional() })
  .strict()
  .meta({ id: 'CreateArticle' });
export type CreateArticleBody = z.infer<typeof CreateArticleBodySchema>;

const contentInput = CreateArticleInputSchema.pick({
  title: true,
  slug: true,
  standfirst: true,
  body: true,
  tags: true,
  credits: true,
  hero_image: true,
  source: true,
  ai_generated: true,
}).partial();

const BaseRevisionSchema = RevisionNumberSchema.optional().meta({
  description: 'The revision this edit was made from; or send If-Match with the article ETag',
});

export const RevisionBodySchema = contentInput
  .extend({ base_revision: BaseRevisionSchema, message: MessageSchema.optional() })
  .strict()
  .meta({ id: 'NewRevision', description: 'Any subset of the content; omitted fields carry over' });
export type RevisionBody = z.infer<typeof RevisionBodySchema>;

export const RestoreBodySchema = z
  .object({ base_revision: BaseRevisionSchema, message: MessageSchema.optional() })
  .strict()
  .meta({ id: 'Restore' });
export type RestoreBody = z.infer<typeof RestoreBodySchema>;

export const PublishBodySchema = z
  .object({
    revision: RevisionNumberSchema.optional().meta({ description: 'Default: the head revision' }),
    at: TimestampSchema.optional().meta({ description: 'A future time schedules the publication; default: now' }),
  })
  .strict()
  .meta({ id: 'Publish' });
export type PublishBody = z.infer<typeof PublishBodySchema>;

export const UpdateArticleBodySchema = z
  .object({ comments_open: z.boolean() })
  .strict()
  .meta({ id: 'UpdateArticle', description: 'Article settings that are not content: no revision is made' });

export const RevisionSummarySchema = z
  .object({
    number: z.number().int(),
    created_at: TimestampSchema,
    author: z.string().meta({ description: 'Name of the token that made it' }),
    message: z.string().nullable(),
    changed_fields: z.array(z.string()),
    merged_onto: z.number().int().nullable(),
    published: z.boolean().meta({ description: 'Whether this is the revision the public sees' }),
  })
  .meta({ id: 'RevisionSummary' });
export type RevisionSummary = z.infer<typeof RevisionSummarySchema>;
export const RevisionPageSchema = page(RevisionSummarySchema, 'RevisionPage');
export type RevisionPage = z.infer<typeof RevisionPageSchema>;

export const RevisionSchema = RevisionSummarySchema.extend({
  content: ArticleContentSchema,
  body_html: BodyHtmlSchema,
}).meta({
  id: 'Revision',
  description: 'One revision with its full snapshot',
});
export type Revision = z.infer<typeof RevisionSchema>;

const RangeSchema = z.object({ start: z.number().int(), end: z.number().int() });

export const TextPassageSchema = z
  .object({
    paragraphs: RangeSchema.meta({
      description:
        'Paragraphs (blocks between blank lines) of the base body, counted from 0, `end` excluded; ' +
        '`start` equal to `end` for paragraphs inserted before paragraph `start` (at the end when it is the count)',
    }),
    lines: RangeSchema.meta({
      description: 'The same passage as lines of the base body, counted from 0, `end` excluded',
    }),
  })
  .meta({ id: 'TextPassage', description: 'Where in the base body a conflicting passage is' });

/** The fields of an article's content, which diffs and conflicts name. */
const ContentFieldSchema = z.enum(CONTENT_FIELDS).meta({ id: 'ContentField' });

export const RevisionConflictSchema = z
  .object({
    field: ContentFieldSchema,
    passage: TextPassageSchema.optional().meta({
      description: 'For the body: the passage both sides changed. Absent when the field conflicts as a whole',
    }),
    base: z.unknown().meta({ description: 'The value at the base revision, or the passage as it was there' }),
    theirs: z.unknown().meta({ description: 'The value, or the passage, at the current revision' }),
    yours: z.unknown().meta({ description: 'The value, or the passage, this edit sent' }),
  })
  .meta({
    id: 'RevisionConflict',
    description:
      'A field both this edit and a newer revision changed, differently; for the body, one passage of it. ' +
      'Passage texts are given without the blank lines around them; an empty one was deleted or is an insertion point',
  });

export const RevisionConflictProblemSchema = ConflictProblemSchema.extend({
  current_revision: z.number().int().optional().meta({
    description: 'The head revision the edit conflicts with: post again against it. Absent for a slug conflict',
  }),
  conflicts: z
    .array(RevisionConflictSchema)
    .optional()
    .meta({
      description:
        'Every conflicting field, and every conflicting passage of the body, in the order of the fields and the text. ' +
        'Absent for a slug conflict',
    }),
}).meta({
  id: 'RevisionConflictProblem',
  description:
    'The edit was made against an older revision and changes what a newer one changed (`current_revision`, ' +
    '`conflicts`), or its slug belongs to another article. Nothing was written',
});
export type RevisionConflictProblem = z.infer<typeof RevisionConflictProblemSchema>;

const ChangeSchema = z
  .object({ op: z.enum(['equal', 'insert', 'delete']), value: z.string() })
  .meta({ id: 'TextChange' });

const FieldChangeSchema = z.object({ field: ContentFieldSchema, old: z.unknown(), new: z.unknown() }).meta({
  id: 'FieldChange',
  description: 'A changed field with its old value (null against no revision) and new one',
});

const diffOf = <F extends DiffFormat, B extends z.ZodType>(format: F, body: B, description: string, id: string) =>
  z
    .object({
      from: z.number().int().nullable().meta({ description: 'Null when diffing revision 1 against nothing' }),
      to: z.number().int(),
      format: z.literal(format),
      fields: z.array(FieldChangeSchema).meta({ description: 'Every changed field but the body' }),
      body: body.nullable().meta({ description: 'Null when the body did not change' }),
    })
    .meta({ id, description });

const TRUNCATED =
  'True when the diff gave up and answers the whole old body deleted and the whole new one inserted instead: ' +
  'beyond 500 changed lines (or 20,000 lines in all) for the line and unified diffs, 500 changed words and ' +
  'spaces (or 200,000 characters in all) for the word diff';

export const RevisionDiffSchema = z
  .discriminatedUnion('format', [
    diffOf(
      'hunks',
      z.object({
        hunks: z.array(
          z
            .object({
              old_line: z
                .number()
                .int()
                .meta({ description: 'The line of the old body where the hunk starts, from 1' }),
              new_line: z
                .number()
                .int()
                .meta({ description: 'The line of the new body where the hunk starts, from 1' }),
              changes: z.array(ChangeSchema),
            })
            .meta({
              id: 'BodyHunk',
              description:
                'Changed text with up to five words of unchanged text on its line before and after it (at most 80 characters each)',
            }),
        ),
        granularity: z.enum(['words', 'lines', 'whole']).meta({
          description:
            'What the hunks change: words, or whole lines where the word diff gave up, or the whole body where the line diff did too',
        }),
      }),
      'The default: the other changed fields whole, the body as hunks of changed words with a little context',
      'RevisionDiffHunks',
    ),
    z
      .object({
        from: z.number().int().nullable().meta({ description: 'Null when diffing revision 1 against nothing' }),
        to: z.number().int(),
        format: z.literal('fields'),
        fields: z.array(FieldChangeSchema).meta({ description: 'Every changed field, the body among them' }),
      })
      .meta({ id: 'RevisionDiffFields', description: 'Every changed field with its old and new value, whole' }),
    diffOf(
      'lines',
      z.object({ changes: z.array(ChangeSchema), truncated: z.boolean().meta({ description: TRUNCATED }) }),
      'The body as a line diff: every line, changed or not',
      'RevisionDiffLines',
    ),
    diffOf(
      'words',
      z.object({ changes: z.array(ChangeSchema), truncated: z.boolean().meta({ description: TRUNCATED }) }),
      'The body as a word diff: every word and space, changed or not',
      'RevisionDiffWords',
    ),
    diffOf(
      'unified',
      z.object({
        unified: z.string().meta({ description: 'A unified diff of the body, as diff -u writes it' }),
        truncated: z.boolean().meta({ description: TRUNCATED }),
      }),
      'The body as a unified diff',
      'RevisionDiffUnified',
    ),
  ])
  .meta({
    id: 'RevisionDiff',
    discriminator: {
      propertyName: 'format',
      mapping: Object.fromEntries(
        DIFF_FORMATS.map((f) => [f, `#/components/schemas/RevisionDiff${f[0]?.toUpperCase()}${f.slice(1)}`]),
      ),
    },
  });
export type RevisionDiff = z.infer<typeof RevisionDiffSchema>;

export const RevisionParamsSchema = z.object({
  article: ArticleNameSchema,
  n: z.coerce.number({ error: 'must be a number' }).int().positive().max(MAX_ID, `must be at most ${MAX_ID}`),
});
export const DiffQuerySchema = z.object({
  format: z
    .enum(DIFF_FORMATS, { error: `must be one of ${DIFF_FORMATS.join(', ')}` })
    .default('hunks')
    .meta({
      description:
        '`hunks` (the default): the body as its changed words with a little context; `fields`: every changed ' +
        'field whole; `lines`, `words`: the whole line or word diff of the body; `unified`: a unified diff of the body',
    }),
  to: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .positive()
    .max(MAX_ID, `must be at most ${MAX_ID}`)
    .optional(),
});
export const RevisionListQuerySchema = PaginationQuerySchema;

export const IfMatchHeadersSchema = z.looseObject({
  'if-match': z
    .string()
    .max(200)
    .optional()
    .meta({
      description:
        'One strong article ETag (`"r<N>.…"`), as GET /v1/articles/{article} or an earlier edit gave it; stands in for ' +
        'base_revision and is checked against revision N (412 when it does not match; `*` gets 428)',
    }),
});
