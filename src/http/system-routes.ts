import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UNREACHABLE_RETRY_AFTER_S } from '../db/errors.js';
import { NotFoundError, PROBLEMS, type ProblemCode, UnavailableError } from '../errors.js';
import { API_VERSION } from './openapi.js';
import { ProblemCodeSchema, ProblemSchema, problemResponses } from './problem.js';
import { jsonResponse, withHeaders } from './responses.js';

/**
 * A database that neither answers nor fails (a silent network) would hold the probe as long as
 * the load balancer waits: past this, the node says it cannot serve.
 */
const PING_TIMEOUT_MS = 3_000;

const EngineSchema = z
  .enum(['sqlite', 'postgres'])
  .meta({ id: 'Engine', description: 'The database engine this node serves from', examples: ['sqlite'] });

export type EngineKind = z.infer<typeof EngineSchema>;

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    engine: EngineSchema,
    database: z.literal('up').meta({ description: 'The database answered a query just now' }),
  })
  .meta({ id: 'Health' });

export const HealthUnavailableSchema = ProblemSchema.extend({
  engine: EngineSchema,
  database: z.literal('down').meta({ description: 'The database did not answer' }),
}).meta({ id: 'HealthUnavailable', description: 'An RFC 9457 problem document: this node cannot serve' });

export const ProblemTypeSchema = z
  .object({
    type: z.string().meta({ examples: ['/problems/conflict'] }),
    code: ProblemCodeSchema,
    status: z
      .number()
      .int()
      .meta({ examples: [409] }),
    title: z.string().meta({ examples: ['Conflict'] }),
    description: z.string().meta({ description: 'What the problem means, and what a client does about it' }),
  })
  .meta({ id: 'ProblemType', description: "What a problem document's `type` names" });

const LinkSchema = z
  .object({
    href: z.string().meta({ description: 'A URL relative to this server', examples: ['/v1/articles'] }),
    title: z.string(),
  })
  .meta({ id: 'IndexLink' });

export const IndexSchema = z
  .object({
    name: z.literal('Fjord'),
    description: z.string(),
    version: z.string().meta({ description: 'The version of this API', examples: [API_VERSION] }),
    links: z.object({
      docs: LinkSchema,
      openapi: LinkSchema,
      articles: LinkSchema,
      tags: LinkSchema,
      credits: LinkSchema,
      changes: LinkSchema,
      health: LinkSchema,
    }),
  })
  .meta({ id: 'Index', description: 'What this server is, and where to start' });

const INDEX: z.infer<typeof IndexSchema> = {
  name: 'Fjord',
  description: 'A headless CMS content API for articles and moderated reader comments',
  version: API_VERSION,
  links: {
    docs: { href: '/docs', title: 'The API reference, to read and try in a browser' },
    openapi: { href: '/openapi.json', title: 'The OpenAPI 3.1 document, to generate a client from' },
    articles: { href: '/v1/articles', title: 'Published articles, newest first' },
    tags: { href: '/v1/tags', title: 'Tags' },
    credits: { href: '/v1/credits', title: 'Credits: authors, photographers and sources' },
    changes: { href: '/v1/changes', title: 'What changed since a cursor, to keep a copy in sync' },
    health: { href: '/healthz', title: 'Whether this node can serve' },
  },
};

/** RFC 8631 relations, so that a tool finds the description and the docs without reading the body. */
const INDEX_LINKS = '</openapi.json>; rel="service-desc", </docs>; rel="service-doc", </healthz>; rel="status"';

export interface SystemRoutesOptions {
  /** Named in every answer. */
  engine: EngineKind;
  /** Resolves only if the database answers (`select 1`). */
  ping: () => Promise<unknown>;
}

/** Resolves when `ping` answers, rejects when it fails or does not answer within PING_TIMEOUT_MS. */
async function answers(ping: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.resolve().then(ping), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function systemRoutes(app: FastifyInstance, { engine, ping }: SystemRoutesOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getIndex',
        tags: ['system'],
        summary: 'Where to start: links to the API reference, the OpenAPI document and the main collections',
        description:
          'The `Link` header gives the OpenAPI document (`service-desc`), the reference (`service-doc`) and the ' +
          'health check (`status`), as RFC 8631 names them.',
        response: {
          200: withHeaders(jsonResponse(IndexSchema, 'Links to the rest of the API'), 'Link'),
          ...problemResponses(),
        },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').header('link', INDEX_LINKS).send(INDEX),
  );

  r.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getHealth',
        tags: ['system'],
        summary: 'Liveness and readiness: 200 while the database answers, 503 while it does not',
        response: {
          200: jsonResponse(HealthSchema, 'The database answers'),
          ...problemResponses(),
          503: {
            description: 'The database does not answer: this node cannot serve until it does',
            content: { 'application/problem+json': { schema: HealthUnavailableSchema } },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        await answers(ping);
      } catch (err) {
        // Closed, unreachable, or an I/O error: this node cannot serve, which is what a 503 tells a
        // load balancer. It recovers by itself: the next probe asks the database again.
        request.log.error({ err }, 'the database does not answer');
        throw new UnavailableError('The database does not answer', UNREACHABLE_RETRY_AFTER_S, {
          engine,
          database: 'down',
        });
      }
      return reply.header('cache-control', 'no-store').send({ status: 'ok' as const, engine, database: 'up' as const });
    },
  );

  // Each problem's `type` is a URI reference that resolves: to what the problem means.
  r.get(
    '/problems/:type',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getProblemType',
        tags: ['system'],
        summary: 'What a problem type means, and what a client does about it',
        params: z.object({ type: z.string().meta({ examples: ['conflict'] }) }),
        response: {
          200: jsonResponse(ProblemTypeSchema, 'The problem type'),
          ...problemResponses(404),
        },
      },
    },
    async (request, reply) => {
      const { type } = request.params;
      if (!Object.hasOwn(PROBLEMS, type)) throw new NotFoundError(`No problem type is called ${type}`);
      const code = type as ProblemCode;
      const { status, title, description } = PROBLEMS[code];
      return reply
        .header('cache-control', 'public, max-age=86400')
        .send({ type: `/problems/${code}`, code, status, title, description });
    },
  );

  r.get(
    '/openapi.json',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['system'],
        summary: 'This OpenAPI 3.1 document (the same as openapi.yaml)',
        response: {
          200: jsonResponse(z.looseObject({ openapi: z.string() }), 'An OpenAPI 3.1 document'),
          ...problemResponses(),
        },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(app.swagger() as { openapi: string }),
  );
}
