import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
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
  // Every asset is served from the package itself, so the reference works with no internet access.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: () => DOCS_CSP,
  });
}
