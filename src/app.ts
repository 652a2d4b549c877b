import cors from '@fastify/cors';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { registerAccessControl } from './http/access.js';
import { createCacheableSender } from './http/caching.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerIdempotency } from './http/idempotency.js';
import { createIdempotencyRepository } from './http/idempotency-repository.js';
import { registerOpenApi } from './http/openapi.js';
import { systemRoutes } from './http/system-routes.js';
import { createContentResolver } from './modules/articles/content.js';
import { createEditorService } from './modules/articles/editor-service.js';
import { createPublishingRepository } from './modules/articles/publishing-repository.js';
import { publishingRoutes } from './modules/articles/publishing-routes.js';
import { createPublishingService } from './modules/articles/publishing-service.js';
import { createArticlesRepository } from './modules/articles/repository.js';
import { createRevisionsRepository } from './modules/articles/revisions-repository.js';
import { revisionsRoutes } from './modules/articles/revisions-routes.js';
import { createRevisionsService } from './modules/articles/revisions-service.js';
import { articlesRoutes } from './modules/articles/routes.js';
import { createArticlesService } from './modules/articles/service.js';
import { createAuditRepository } from './modules/audit/repository.js';
import { auditRoutes } from './modules/audit/routes.js';
import { createAuditService } from './modules/audit/service.js';
import { createCreditsRepository } from './modules/credits/repository.js';
import { creditsRoutes } from './modules/credits/routes.js';
import { createCreditsService } from './modules/credits/service.js';
import { createTagsRepository } from './modules/tags/repository.js';
import { tagsRoutes } from './modules/tags/routes.js';
import { createTagsService } from './modules/tags/service.js';
import { createTokensRepository } from './modules/tokens/repository.js';
import { tokensRoutes } from './modules/tokens/routes.js';
import { createTokensService } from './modules/tokens/service.js';
import { type Clock, systemClock } from './shared/clock.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger?: FastifyServerOptions['logger'];
  clock?: Clock;
}

/** Every service the app is made of, built from one database handle; scripts and seeds use them too. */
export function createServices(db: Database, clock: Clock = systemClock) {
  const articlesRepo = createArticlesRepository(db);
  const revisionsRepo = createRevisionsRepository(db);
  const articles = createArticlesService({ repo: articlesRepo, clock });
  const editor = createEditorService({ repo: revisionsRepo, articles, clock });
  return {
    articles,
    editor,
    revisions: createRevisionsService({
      repo: revisionsRepo,
      editor,
      resolver: createContentResolver(articlesRepo),
      clock,
    }),
    publishing: createPublishingService({
      repo: createPublishingRepository(db),
      revisions: revisionsRepo,
      editor,
      clock,
    }),
    tags: createTagsService({ repo: createTagsRepository(db), clock }),
    credits: createCreditsService({ repo: createCreditsRepository(db), clock }),
    tokens: createTokensService({ repo: createTokensRepository(db), clock }),
    audit: createAuditService({ repo: createAuditRepository(db) }),
  };
}
export type Services = ReturnType<typeof createServices>;

const EXPOSED_HEADERS = ['ETag', 'Location', 'Retry-After', 'X-Request-Id'];
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'If-None-Match',
  'Idempotency-Key',
  'X-Request-Id',
];

/** The composition root: every plugin and module is named here, in the order it is registered. */
export async function buildApp({ config, db, logger = false, clock = systemClock }: AppDeps) {
  const app = Fastify({
    logger,
    requestIdHeader: 'x-request-id',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  await app.register(cors, {
    origin: config.CORS_ORIGINS,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  await registerOpenApi(app);

  const services = createServices(db, clock);
  const send = createCacheableSender({
    maxAgeSeconds: config.CACHE_MAX_AGE_S,
    staleWhileRevalidateSeconds: config.CACHE_STALE_WHILE_REVALIDATE_S,
  });

  // Every route of the API lives in this context, where a route without config.access cannot register.
  await app.register(async (api) => {
    registerAccessControl(api, services.tokens);
    registerIdempotency(api, { repo: createIdempotencyRepository(db), clock });
    // Scheduled publications are applied by the first request at or after their time: no cron.
    api.addHook('onRequest', async () => services.publishing.applyDue());
    await systemRoutes(api, { ping: () => db.get(sql`select 1`) });
    await articlesRoutes(api, {
      service: services.articles,
      editor: services.editor,
      publishing: services.publishing,
      send,
    });
    await revisionsRoutes(api, { service: services.revisions });
    await publishingRoutes(api, { service: services.publishing });
    await tagsRoutes(api, { service: services.tags, send });
    await creditsRoutes(api, { service: services.credits, send });
    await tokensRoutes(api, { service: services.tokens });
    await auditRoutes(api, { service: services.audit });
  });

  return app;
}
