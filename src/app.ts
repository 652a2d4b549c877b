import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { type Config, defaultConfig } from './config.js';
import type { Engine } from './engine/engine.js';
import { registerAccessControl } from './http/access.js';
import { createHttpCaching, publicCacheControl } from './http/caching.js';
import { compress as compressBody, registerCompression } from './http/compression.js';
import { capConnections, connectionLimits, connectionOptions, watchResponses } from './http/connections.js';
import { corsBlocks, registerCors } from './http/cors.js';
import { createFirstHook } from './http/early-hits.js';
import { handleFrameworkError, registerErrorHandling } from './http/error-handler.js';
import { registerHardening, SECURITY_HEADERS } from './http/hardening.js';
import { registerIdempotency } from './http/idempotency.js';
import { registerImpliedResponses } from './http/implied-responses.js';
import { lazyChildLoggers } from './http/logging.js';
import { registerOpenApi } from './http/openapi.js';
import { sharedRateLimitStore } from './http/rate-limit-store.js';
import { ResponseCache } from './http/response-cache.js';
import { systemRoutes } from './http/system-routes.js';
import { createContentResolver } from './modules/articles/content.js';
import { createEditorService } from './modules/articles/editor-service.js';
import { publishingRoutes } from './modules/articles/publishing/publishing-routes.js';
import { createPublishingService, duePolicyFor } from './modules/articles/publishing/publishing-service.js';
import { createArticleResolver } from './modules/articles/resolver.js';
import { revisionsRoutes } from './modules/articles/revisions/revisions-routes.js';
import { createRevisionsService } from './modules/articles/revisions/revisions-service.js';
import { articlesRoutes } from './modules/articles/routes.js';
import { createArticlesService } from './modules/articles/service.js';
import { auditRoutes } from './modules/audit/routes.js';
import { createAuditService } from './modules/audit/service.js';
import { changesRoutes } from './modules/changes/routes.js';
import { createChangesService } from './modules/changes/service.js';
import { moderationRoutes } from './modules/comments/moderation-routes.js';
import { createModerationService } from './modules/comments/moderation-service.js';
import { commentsRoutes } from './modules/comments/routes.js';
import { commentSettingsFrom, createCommentsService } from './modules/comments/service.js';
import { creditsRoutes } from './modules/credits/routes.js';
import { createCreditsService } from './modules/credits/service.js';
import { previewsRoutes } from './modules/previews/routes.js';
import { createPreviewsService } from './modules/previews/service.js';
import { createSearchCache } from './modules/search/cache.js';
import { createSearchService } from './modules/search/service.js';
import { tagsRoutes } from './modules/tags/routes.js';
import { createTagsService } from './modules/tags/service.js';
import { tokensRoutes } from './modules/tokens/routes.js';
import { createTokensService } from './modules/tokens/service.js';
import { webhookEventsDocument } from './modules/webhooks/openapi.js';
import { webhooksRoutes } from './modules/webhooks/routes.js';
import { createWebhooksService } from './modules/webhooks/service.js';
import { createDeliveryWorker, deliverySettingsFrom } from './modules/webhooks/worker.js';
import { createChangeFeed } from './shared/changes.js';
import { type Clock, systemClock } from './shared/clock.js';
import { createIpHasher } from './shared/ip-hash.js';

export interface AppDeps {
  config: Config;
  /** The database the app serves; the app uses it but does not close it. */
  engine: Engine;
  logger?: FastifyServerOptions['logger'];
  clock?: Clock;
  /** The services to serve; built from `engine` when absent. Pass them to share one set with a seeder or a test. */
  services?: Services;
  /**
   * How often to look for schedules come due when no request does it (the server: every second);
   * absent, only requests do, as tests that move the clock expect.
   */
  schedulePollMs?: number;
  /** Compresses response bodies; replaced only to inject a failure. */
  compress?: typeof compressBody;
}

/** Every service the app is made of, built on one engine's repositories; scripts and seeds use them too. */
export function createServices(engine: Engine, clock: Clock = systemClock, config: Config = defaultConfig()) {
  const { store, work } = engine;
  const changes = createChangeFeed();
  // Other processes learn of these services' writes as soon as they are committed: another node's
  // cache hears of a write made here, by the server or by the CLI.
  changes.subscribe((keys) => engine.foreign.publish(keys));
  const hashIp = createIpHasher(config.IP_HASH_KEY);
  // Which article a URL names, for every route that takes one.
  const resolver = createArticleResolver(store.articles);
  const articles = createArticlesService({ repo: store.articles, resolver, clock });
  const editor = createEditorService({ repo: store.revisions, resolver, articles, clock, changes });
  return {
    changes,
    articles,
    editor,
    revisions: createRevisionsService({
      repo: store.revisions,
      editor,
      resolver: createContentResolver(store.articles),
      clock,
      differ: work.differ,
    }),
    publishing: createPublishingService({
      due: duePolicyFor(engine),
      repo: store.publishing,
      revisions: store.revisions,
      editor,
      clock,
      changes,
    }),
    search: createSearchService({
      runner: work.search,
      articles: store.articles,
      cache: createSearchCache(engine, changes),
    }),
    tags: createTagsService({ repo: store.tags, clock, changes }),
    credits: createCreditsService({ repo: store.credits, clock, changes }),
    tokens: createTokensService({ repo: store.tokens, clock }),
    audit: createAuditService({ repo: store.audit }),
    feed: createChangesService({ repo: store.changes }),
    hashIp,
    comments: createCommentsService({
      repo: store.comments,
      resolver,
      clock,
      settings: commentSettingsFrom(config),
      changes,
      hashIp,
    }),
    moderation: createModerationService({ repo: store.comments, resolver, clock, changes }),
    previews: createPreviewsService({
      repo: store.previews,
      editor,
      revisions: store.revisions,
      catalogue: store.articles,
      clock,
      urlTemplate: config.PREVIEW_URL,
    }),
    webhooks: createWebhooksService({ repo: store.webhooks, clock, allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE }),
  };
}
export type Services = ReturnType<typeof createServices>;

/** A client's id is kept only if it is safe to log and echo; anything else gets a fresh one. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** A number of hops trusts that many proxies in front of the server, as Fastify reads it at runtime. */
function trustProxyOption(
  setting: Config['TRUST_PROXY'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/** The composition root: every plugin and module is named here, in the order it is registered. */
export async function buildApp({
  config,
  engine,
  logger = false,
  clock = systemClock,
  services: given,
  schedulePollMs,
  compress = compressBody,
}: AppDeps) {
  const limits = connectionLimits(config);
  const responses = watchResponses();
  const app = Fastify({
    logger,
    ...(logger ? { childLoggerFactory: lazyChildLoggers } : {}),
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    // genReqId reads X-Request-Id itself, so that a client's value is checked before it is trusted.
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // The router refuses some URLs before any hook runs: give them what the first hooks give the rest.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id).headers(SECURITY_HEADERS);
      handleFrameworkError(error, request, reply);
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    ...connectionOptions(limits, responses.underway),
    // A request that reached the server before a shutdown is served, not refused: close() waits for it.
    return503OnClosing: false,
  });
  capConnections(app.server, limits);
  responses.watch(app.server);
  // JSON is the only body the API reads: anything else is a 415, not a string for the schema to refuse.
  app.removeContentTypeParser(['text/plain']);
  const cache =
    config.RESPONSE_CACHE_BYTES > 0
      ? new ResponseCache(config.RESPONSE_CACHE_BYTES, { maxAgeMs: config.CACHE_MAX_AGE_S * 1000, clock, compress })
      : null;
  // First of all hooks, so every answer, refusals by later hooks included, names the request it
  // answers and carries the security headers; another process's writes are purged here, before any
  // lookup; and, once the app is built, anonymous cache hits are answered here (src/http/early-hits.ts).
  const first = createFirstHook({ cache, foreign: engine.foreign.check });
  app.addHook('onRequest', first.hook);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  const services = given ?? createServices(engine, clock, config);
  await registerCors(app, config.CORS_ORIGINS);
  engine.useLog(app.log);
  const limitRefusals = await registerHardening(app, config, services.hashIp, {
    rateLimitStore: sharedRateLimitStore(config, { counter: engine.rateLimits, clock, log: app.log }),
  });
  await registerOpenApi(app, webhookEventsDocument());
  // A write is announced before it is acknowledged, so the next read on this server sees it.
  if (cache) {
    services.changes.subscribe((keys) => cache.purge(keys));
    const dropForeign = engine.foreign.subscribe((change) => (change === 'all' ? cache.clear() : cache.purge(change)));
    app.addHook('onClose', async () => dropForeign());
  }
  // One delivery worker per process: it looks at the queue when a write here commits, when another
  // process announces one, and on a short poll that also catches writes nothing announced (the CLI's).
  const worker = createDeliveryWorker({
    queue: engine.store.deliveries,
    clock,
    settings: deliverySettingsFrom(config),
    log: app.log,
  });
  const wake = () => worker.wake();
  const unsubscribe = [
    services.changes.subscribe(wake),
    services.webhooks.whenQueued(wake),
    engine.foreign.subscribe(wake),
  ];
  // A write that changes nothing public (a pending comment, a draft) announces no keys, yet may
  // have queued deliveries: every write this process acknowledged wakes the worker.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) wake();
    done();
  });
  // A schedule comes due whether or not a request arrives (behind a CDN, none may): every
  // schedulePollMs the pass runs too, so a publication and its events never wait for traffic.
  let scheduler: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    worker.start();
    if (schedulePollMs === undefined) return;
    scheduler = setInterval(() => {
      services.publishing.applyDue(app.log).catch((err: unknown) => {
        app.log.error({ err }, 'applying due schedules failed');
      });
    }, schedulePollMs);
    scheduler.unref();
  });
  app.addHook('onClose', async () => {
    if (scheduler) clearInterval(scheduler);
    for (const drop of unsubscribe) drop();
    await worker.stop();
  });

  const { send, sendDocument, redirect, serveFromCache } = createHttpCaching({
    maxAgeSeconds: config.CACHE_MAX_AGE_S,
    staleWhileRevalidateSeconds: config.CACHE_STALE_WHILE_REVALIDATE_S,
    cache,
  });

  let idempotency: ReturnType<typeof registerIdempotency> = { waiting: () => false };
  const { publishing } = services;
  // Every route of the API lives in this context, where a route without config.access cannot register.
  await app.register(async (api) => {
    registerAccessControl(api, services.tokens, limitRefusals);
    idempotency = registerIdempotency(api, { repo: engine.store.idempotency, clock, hashIp: services.hashIp });
    // After idempotency's onSend, which keeps the body as the handler sent it.
    registerCompression(api, { compress });
    // After the hooks above, since it reads what they add to each route's schema.
    registerImpliedResponses(api);
    // Scheduled publications are applied by the first request at or after their time: no cron.
    // Before the cache lookup, so a publication coming due purges what it changes first.
    // A failure here must never fail the request: a failing schedule is marked failed by applyDue,
    // and anything else (the database itself) is logged and left for a later request.
    // Not for the health probe: it must say at once whether the database answers, never wait on
    // due work (on a database that hangs, a pass waits for the pool's connect timeout).
    // Most requests find nothing to do: they go on at once, without a promise.
    api.addHook('onRequest', (request, _reply, done) => {
      if (request.routeOptions.url === '/healthz' || !publishing.duePassNeeded()) {
        done();
        return;
      }
      publishing.applyDue(request.log).then(
        () => done(),
        (err: unknown) => {
          request.log.error({ err }, 'applying due schedules failed');
          done();
        },
      );
    });
    // After validation, since the cache is keyed on the validated request; before every handler.
    api.addHook('preHandler', serveFromCache);
    await systemRoutes(api, { engine: engine.kind, ping: () => engine.ping() });
    await articlesRoutes(api, {
      service: services.articles,
      editor: services.editor,
      publishing: services.publishing,
      search: services.search,
      send,
      sendDocument,
      redirect,
    });
    await revisionsRoutes(api, { service: services.revisions });
    await publishingRoutes(api, { service: services.publishing });
    await tagsRoutes(api, { service: services.tags, send });
    await creditsRoutes(api, { service: services.credits, send });
    await commentsRoutes(api, { service: services.comments, send, redirect });
    await moderationRoutes(api, { service: services.moderation, send });
    await tokensRoutes(api, { service: services.tokens });
    await auditRoutes(api, { service: services.audit });
    await previewsRoutes(api, { service: services.previews });
    await changesRoutes(api, { service: services.feed });
    await webhooksRoutes(api, { service: services.webhooks });
  });

  // From now on a hit is answered by the first hook, unless something above must run first.
  if (cache) {
    const { waiting } = idempotency;
    const pressured = app.hasDecorator('isUnderPressure') ? () => app.isUnderPressure() : () => false;
    first.serveHits({
      cache,
      cacheControl: publicCacheControl(config.CACHE_MAX_AGE_S, config.CACHE_STALE_WHILE_REVALIDATE_S),
      cors: corsBlocks(config.CORS_ORIGINS),
      mustWait: () => publishing.duePassNeeded() || waiting() || pressured(),
    });
  }

  return app;
}
