import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { etagOf, sendWithValidator, serializerFor, varyOnAuthorization } from '../../http/caching.js';
import { problemResponses } from '../../http/problem.js';
import { jsonResponse, NotModifiedSchema } from '../../http/responses.js';
import { type ChangePage, ChangePageSchema, ListChangesQuerySchema } from './schemas.js';
import type { ChangesService } from './service.js';

/** A page with changes past it never changes again: events are appended in commit order, never edited. */
const SETTLED = 'public, max-age=31536000, immutable';
/** The tail grows with the next write: shared caches may keep it this long, then revalidate it with its ETag. */
const TAIL = 'public, max-age=5';

/** The page with its ETag and the Cache-Control its place in the feed allows, or a 304. */
function sendPage(request: FastifyRequest, reply: FastifyReply, page: ChangePage) {
  const body = serializerFor(ChangePageSchema, request)(page);
  reply.header('cache-control', page.meta.has_more ? SETTLED : TAIL);
  // The page is the same with a token or without, but a token the server refuses gets a 401.
  varyOnAuthorization(reply);
  return sendWithValidator(request, reply, body, etagOf(body));
}

/**
 * The feed bypasses the in-process response cache: its pages carry their own Cache-Control, and a
 * page is one range scan of the events index, no dearer than a cache lookup, so there is nothing
 * to invalidate when another node or the CLI appends an event.
 */
export async function changesRoutes(app: FastifyInstance, { service }: { service: ChangesService }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/changes',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listChanges',
        tags: ['changes'],
        summary: 'What changed in public content, in commit order, deletions included',
        description:
          'Apply the entries in order (`upsert`: fetch the entity again; `delete`: drop it) and keep ' +
          '`meta.next_cursor` to poll with as `since`. A page with `has_more` never changes and is cacheable ' +
          'for a year; the last page is cacheable for 5 seconds and revalidated with its ETag.',
        querystring: ListChangesQuerySchema,
        response: {
          200: jsonResponse(ChangePageSchema, 'A page of changes'),
          304: NotModifiedSchema,
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => sendPage(request, reply, await service.list(request.query)),
  );
}
