import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CacheableRedirect, CacheableSender } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, MovedPermanentlySchema, NotModifiedSchema } from '../../http/responses.js';
import { SurrogateKeys } from '../../shared/changes.js';
import { movedUrl } from '../articles/resolver.js';
import { ArticleRefParamsSchema } from '../articles/schemas.js';
import {
  CommentPageSchema,
  CommentReceiptSchema,
  CreateCommentBodySchema,
  ListCommentsQuerySchema,
} from './schemas.js';
import type { CommentsService } from './service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Opts a write into Idempotency-Key handling: a retried request gets the first answer. */
    idempotent?: boolean;
  }
}

export async function commentsRoutes(
  app: FastifyInstance,
  { service, send, redirect }: { service: CommentsService; send: CacheableSender; redirect: CacheableRedirect },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/articles/:article/comments',
    {
      config: { access: 'public', idempotent: true },
      schema: {
        operationId: 'createComment',
        tags: ['comments'],
        summary: "Post a reader's comment",
        description:
          'The comment waits for moderation (`pending`) unless a rule approves it. The e-mail is never published. ' +
          'Too many comments from one address or e-mail in a short time answer 429 with Retry-After. ' +
          'The same body from the same e-mail on the same article is stored once, and answered and counted against ' +
          'the flood limits like any other comment. The receipt hands out an `author_key`: sent back with the same e-mail, it lets an author ' +
          'with an approved comment be approved at once (COMMENTS_AUTO_APPROVE_KNOWN). A slug the article was ' +
          'published under before takes the comment to the article itself: a POST is never redirected.',
        params: ArticleRefParamsSchema,
        body: CreateCommentBodySchema,
        response: {
          202: jsonResponse(CommentReceiptSchema, 'Received'),
          ...problemResponses(400, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const receipt = await service.create(request.params.article, request.body, request.ip);
      return reply.code(202).header('cache-control', 'no-store').send(receipt);
    },
  );

  r.get(
    '/v1/articles/:article/comments',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listComments',
        tags: ['comments'],
        summary: "List a published article's approved comments, oldest first",
        description:
          'Keyset-paginated; replies carry `parent_id`, so a frontend can thread them. A slug the article was ' +
          'published under before answers 301 with the same path and query under its current slug.',
        params: ArticleRefParamsSchema,
        querystring: ListCommentsQuerySchema,
        response: {
          200: jsonResponse(CommentPageSchema, 'A page of approved comments'),
          301: MovedPermanentlySchema,
          304: NotModifiedSchema,
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const found = await service.listApproved(request.params.article, request.query);
      if (found.movedTo !== null) {
        // Purged with the article or its comments, as the page it stands for.
        const keys = [SurrogateKeys.comments(found.articleId), SurrogateKeys.article(found.articleId)];
        return redirect(request, reply, movedUrl(request.url, found.movedTo), keys);
      }
      return send(request, reply, CommentPageSchema, found.page, {
        keys: [SurrogateKeys.comments(found.articleId), SurrogateKeys.article(found.articleId)],
      });
    },
  );
}
