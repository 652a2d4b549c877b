import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../../http/access.js';
import { etagOf } from '../../../http/caching.js';
import { problemResponses } from '../../../http/problem.js';
import { jsonResponse, withHeaders } from '../../../http/responses.js';
import {
  DiffQuerySchema,
  IfMatchHeadersSchema,
  RestoreBodySchema,
  RevisionBodySchema,
  RevisionConflictProblemSchema,
  RevisionDiffSchema,
  RevisionListQuerySchema,
  RevisionPageSchema,
  RevisionParamsSchema,
  RevisionResultSchema,
  RevisionSchema,
} from '../editor-schemas.js';
import { ArticleRefParamsSchema } from '../schemas.js';
import { editBaseOf, editorEtagPrefix } from './etag.js';
import type { RevisionOutcome, RevisionsService } from './revisions-service.js';

const WRITE_STATUSES = {
  ...problemResponses(400, 401, 403, 404, 409, 412, 428),
  409: {
    description:
      'The edit conflicts with a newer revision, or its slug belongs to another article; nothing was written',
    content: { 'application/problem+json': { schema: RevisionConflictProblemSchema } },
  },
};

/** 201 with the new head, or 200 with the unchanged head when the edit changed nothing. */
function sendOutcome(reply: FastifyReply, { created, result }: RevisionOutcome) {
  // Serialized once: the same bytes are hashed for the ETag and sent.
  const body = JSON.stringify(result);
  return reply
    .code(created ? 201 : 200)
    .header('etag', etagOf(body, editorEtagPrefix(result)))
    .header('location', `/v1/articles/${result.id}/revisions/${result.revision}`)
    .type('application/json; charset=utf-8')
    .send(body);
}

export async function revisionsRoutes(app: FastifyInstance, { service }: { service: RevisionsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/articles/:article/revisions',
    {
      config: { access: 'editor', idempotent: true },
      schema: {
        operationId: 'createRevision',
        tags: ['articles'],
        summary: 'Post a revision against a base revision; merged when it does not overlap newer changes',
        description:
          'Send `base_revision`, or If-Match with the ETag of GET /v1/articles/{article} (or of an earlier answer here); ' +
          'both may be sent if they name the same revision. If-Match is checked against the content of the revision ' +
          'it names: a weak, malformed or unknown tag, or several tags, get 412, and `*` gets 428, since it does not ' +
          'say which version was edited. If the head moved on since the base and none of ' +
          'the fields this edit changes was changed meanwhile, the edit is merged (`merged_onto`). The body is merged by ' +
          'paragraph: edits to different paragraphs merge, and the same change made on both sides merges. Otherwise ' +
          '409 lists each conflicting field, and each conflicting passage of the body, with its base, theirs and ' +
          'yours values. An edit that changes nothing returns 200.',
        params: ArticleRefParamsSchema,
        headers: IfMatchHeadersSchema,
        body: RevisionBodySchema,
        response: {
          200: withHeaders(
            jsonResponse(RevisionResultSchema, 'Nothing changed: the head, and nothing was written'),
            'ETag',
            'Location',
          ),
          201: withHeaders(jsonResponse(RevisionResultSchema, 'The new head revision'), 'ETag', 'Location'),
          ...WRITE_STATUSES,
        },
      },
    },
    async (request, reply) => {
      const base = editBaseOf(request.body.base_revision, request.headers['if-match']);
      return sendOutcome(reply, await service.post(request.params.article, request.body, base, actorOf(request)));
    },
  );

  r.get(
    '/v1/articles/:article/revisions',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'listRevisions',
        tags: ['articles'],
        summary: 'The history of an article, newest revision first',
        params: ArticleRefParamsSchema,
        querystring: RevisionListQuerySchema,
        response: {
          200: jsonResponse(RevisionPageSchema, 'A page of revisions'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => service.list(request.params.article, request.query),
  );

  r.get(
    '/v1/articles/:article/revisions/:n',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'getRevision',
        tags: ['articles'],
        summary: 'One revision with its full snapshot',
        params: RevisionParamsSchema,
        response: {
          200: jsonResponse(RevisionSchema, 'The revision'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => service.get(request.params.article, request.params.n),
  );

  r.get(
    '/v1/articles/:article/revisions/:n/diff',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'diffRevisions',
        tags: ['articles'],
        summary: 'What changed from revision n to revision `to` (default: from n - 1 to n)',
        description:
          'One representation, chosen with `format`. By default (`hunks`) each changed field with its old and new ' +
          'value, but the body as hunks: its changed words with up to five words of context on their line. ' +
          '`fields` gives every changed field whole, the body too; `lines` and `words` the whole line or word diff ' +
          'of the body; `unified` a unified diff. A diff past its bounds gives a whole replacement and says so ' +
          '(`truncated`, or `granularity` for hunks); one that outlives WORK_BUDGET_MS answers 503 `too_costly` ' +
          'with Retry-After.',
        params: RevisionParamsSchema,
        querystring: DiffQuerySchema,
        response: {
          200: jsonResponse(RevisionDiffSchema, 'The differences'),
          ...problemResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request) => service.diff(request.params.article, request.params.n, request.query.to, request.query.format),
  );

  r.post(
    '/v1/articles/:article/revisions/:n/restore',
    {
      config: { access: 'editor', idempotent: true },
      schema: {
        operationId: 'restoreRevision',
        tags: ['articles'],
        summary: 'Make a new head revision equal to revision n; history only grows',
        params: RevisionParamsSchema,
        headers: IfMatchHeadersSchema,
        body: RestoreBodySchema.nullish(),
        response: {
          200: withHeaders(
            jsonResponse(RevisionResultSchema, 'The head already equals revision n; nothing was written'),
            'ETag',
            'Location',
          ),
          201: withHeaders(jsonResponse(RevisionResultSchema, 'The new head revision'), 'ETag', 'Location'),
          ...WRITE_STATUSES,
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const base = editBaseOf(body.base_revision, request.headers['if-match']);
      const { article, n } = request.params;
      return sendOutcome(reply, await service.restore(article, n, base, actorOf(request), body.message));
    },
  );
}
