import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import {
  withClosedComposition,
  withComposedSchemas,
  withMergedInputs,
  withoutRestatedBounds,
  withoutRestatedReferences,
  withPlainReferences,
  withSharedParameters,
  withSharedResponses,
  wrapReferences,
} from './openapi-compact.js';
import { withResponseHeaders } from './openapi-headers.js';

export const API_VERSION = '1.0.0';

/** The reference page loads nothing but its own files, and no other site may frame it. */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join('; ');

type Document = ReturnType<typeof jsonSchemaTransformObject> & { components?: { schemas?: Record<string, unknown> } };

/**
 * The zod transform emits an input and an output variant of every registered schema; keep only the
 * components an operation or a webhook refers to, so readers of openapi.yaml see each shape once.
 */
function withoutUnusedSchemas(document: Document): Document {
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (value: unknown) => {
    const text = JSON.stringify(value);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name)) {
        used.add(name);
        visit(schemas[name]);
      }
    }
  };
  visit([document.paths, (document as { webhooks?: unknown }).webhooks]);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...document.components, schemas: kept } } as Document;
}

type Transform = typeof jsonSchemaTransform;
type ResponseEntries = Record<string, { headers?: unknown } | undefined>;

/**
 * The zod transform rebuilds each response entry from its content alone; put back the headers a
 * route declared. References with keywords beside them are wrapped, for @fastify/swagger to keep them.
 */
const withDeclaredHeaders: Transform = (input) => {
  const output = jsonSchemaTransform(input);
  output.schema = wrapReferences(output.schema);
  const declared = (input.schema as { response?: ResponseEntries } | undefined)?.response ?? {};
  const transformed = (output.schema as { response?: ResponseEntries } | undefined)?.response ?? {};
  for (const [status, entry] of Object.entries(declared)) {
    const target = transformed[status];
    if (entry?.headers && target) target.headers = entry.headers;
  }
  return output;
};

/**
 * The OpenAPI document is generated from the routes' zod schemas; openapi.yaml at the root is
 * this document, written by `npm run openapi` and checked by test/openapi.test.ts.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  /** The OpenAPI 3.1 `webhooks` section: the calls the server makes, described as operations, and their components. */
  {
    webhooks,
    components,
  }: {
    webhooks: Record<string, unknown>;
    components: { schemas: Record<string, unknown>; parameters: Record<string, unknown> };
  } = { webhooks: {}, components: { schemas: {}, parameters: {} } },
) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fjord content API',
        version: API_VERSION,
        description:
          'Articles, tags, credits and moderated reader comments. Errors are RFC 9457 problem documents ' +
          '(application/problem+json). Every integer is a safe integer: at most 2^53 − 1 either side of zero. ' +
          'Any text or JSON body of 1 KiB or more goes compressed when Accept-Encoding allows it (Content-Encoding ' +
          '`br` or `gzip`, as its weights prefer; any size when it refuses identity), with Vary: Accept-Encoding and ' +
          'an ETag of its own for each coding.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative, so the document is true wherever the API is served, behind any host or proxy.
      servers: [{ url: '/', description: 'The server this document is served from' }],
      // Built from zod schemas as plain JSON Schema, which the swagger types cannot follow.
      webhooks: webhooks as never,
      tags: [
        { name: 'articles', description: 'Published articles and, for editors, their drafts and history' },
        { name: 'tags', description: 'Tags and their counts of published articles' },
        { name: 'credits', description: 'People and organisations credited for content' },
        { name: 'comments', description: "Readers' comments: post one, read the approved ones" },
        { name: 'moderation', description: 'The moderation queue, status changes with their log, erasure' },
        { name: 'tokens', description: 'API tokens and their roles (admins)' },
        { name: 'audit', description: 'The log of editorial and administrative actions (admins)' },
        { name: 'previews', description: 'Draft previews: links that show an article as it would be published' },
        {
          name: 'changes',
          description: 'The public change feed: what changed in public content since a cursor, deletions included',
        },
        {
          name: 'webhooks',
          description: 'Signed calls to receivers when content changes, and their delivery log (admins)',
        },
        { name: 'system', description: 'Health and API description' },
      ],
      components: {
        // Built from zod schemas as plain JSON Schema, as the webhooks are.
        schemas: components.schemas as never,
        parameters: components.parameters as never,
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token made by `fjord token create` or POST /v1/tokens',
          },
          webhookSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'webhook-signature',
            description:
              'How a receiver authenticates the calls of a webhook (see `webhooks`): the Standard Webhooks signature, made with the secret shown when the webhook was registered',
          },
        },
      },
    },
    transform: withDeclaredHeaders,
    // Each step takes the document the previous one made; see each for what it says once instead of often.
    transformObject: (documentObject) =>
      [
        withPlainReferences,
        withoutRestatedBounds,
        withMergedInputs,
        withoutRestatedReferences,
        withoutUnusedSchemas,
        withComposedSchemas,
        withClosedComposition,
        withResponseHeaders,
        withSharedResponses,
        withSharedParameters,
      ].reduce((document, step) => step(document), jsonSchemaTransformObject(documentObject) as Document),
  });
  registerDocs(app);
}

/** The URLs @fastify/swagger-ui answers under /docs (its page, its settings, the document, its assets), all GET and HEAD. */
const DOCS_ROUTES = [
  '/docs',
  '/docs/static/index.html',
  '/docs/static/swagger-initializer.js',
  '/docs/json',
  '/docs/yaml',
  '/docs/static/*',
];

/** Headers of the reference's own answer that this server sets itself on the way out. */
const HOP_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);

/**
 * The reference page, /docs: @fastify/swagger-ui (with @fastify/static and the files it serves) is
 * loaded by the first request for it, not at start, in an instance of its own that this server's
 * routes for the same URLs hand each request to. What a reader gets is what the plugin answers:
 * its status, headers and bytes, under this server's headers, and this server's 404 when it has no
 * such file. Every asset is served from the package itself, so the reference works with no internet access.
 */
function registerDocs(app: FastifyInstance): void {
  let docs: Promise<FastifyInstance> | null = null;
  const load = () => {
    docs ??= docsInstance(app).catch((err: unknown) => {
      docs = null;
      throw err;
    });
    return docs;
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await (await load()).inject({
      // HEAD is answered as GET, whose headers (Content-Length included) this server keeps and whose body it drops.
      method: 'GET',
      url: request.url,
      headers: request.headers,
    });
    // A file it does not have is this server's 404, under the reference's CSP as before.
    if (answer.statusCode === 404) {
      const csp = answer.headers['content-security-policy'];
      if (csp !== undefined) reply.header('content-security-policy', csp);
      return reply.callNotFound();
    }
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!HOP_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    }
    reply.code(answer.statusCode);
    // A redirect or a 304 has no body, and gets no Content-Type for one.
    return answer.rawPayload.length > 0 ? reply.send(answer.rawPayload) : reply.send();
  };
  for (const url of DOCS_ROUTES) app.get(url, { schema: { hide: true } }, handler);
}

async function docsInstance(app: FastifyInstance): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui');
  const docs = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  // The app's document, as built for /openapi.json: /docs/json and /docs/yaml serve it as they did.
  await docs.register(swagger, { mode: 'static', specification: { document: app.swagger() as never } });
  await docs.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: () => DOCS_CSP,
  });
  await docs.ready();
  return docs;
}
