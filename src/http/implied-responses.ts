import type { FastifyInstance, RouteOptions } from 'fastify';
import { problemResponses } from './problem.js';

/**
 * Writes: Fastify reads their bodies whether or not the route declares one (a stray body is still
 * parsed), and they are what the rate limit counts (src/http/hardening.ts lets the safe methods through).
 */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type RouteShape = Pick<RouteOptions, 'method' | 'config' | 'schema'>;

/**
 * The error statuses a route can answer because of what runs before its handler, not because of
 * its own code: the access hook, the body parser and body limit, schema validation, the rate limit,
 * load shedding and the idempotency store. Each line names the plugin that answers it.
 */
export function impliedStatuses({ method, config, schema }: RouteShape): number[] {
  const methods = [method].flat().map(String);
  const parts = (schema ?? {}) as Record<string, unknown>;
  // under-pressure sheds load on every route (503); access.ts refuses a bad token even on a public
  // route, and a missing one elsewhere (401), and a token with the wrong role (403).
  const statuses = [503, 401];
  if (config?.access !== 'public') statuses.push(403);
  // hardening.ts refuses a query parameter the route does not declare, even on a route that takes
  // none (400); the zod validator refuses bad params, query and headers; a path parameter names
  // something that may not exist.
  statuses.push(400);
  if (parts.params) statuses.push(404);
  // On writes: the JSON parser refuses malformed or empty JSON (400), bodyLimit a large body (413),
  // anything but JSON (415), and the rate limit answers 429.
  if (methods.some((m) => WRITES.has(m))) statuses.push(400, 413, 415, 429);
  // idempotency.ts: the same key with another body (422), or while its first attempt runs (409).
  if (config?.idempotent) statuses.push(409, 422);
  return statuses;
}

/**
 * Declares the implied statuses on every route of the API, so the document lists what the server
 * really answers without each route repeating it. A route's own entry for a status wins.
 */
export function registerImpliedResponses(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as { response?: Record<string | number, unknown> };
    const response = { ...problemResponses(...impliedStatuses(route)), ...schema.response };
    route.schema = { ...route.schema, response };
  });
}
