import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { Principal, Role } from '../modules/tokens/schemas.js';
import type { TokensService } from '../modules/tokens/service.js';
import type { Actor } from '../shared/actor.js';

/** Who may call a route. `public` routes still read a token when one is sent (editors see drafts). */
export type Access = 'public' | 'editor' | 'moderator' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const ALLOWED: Record<Exclude<Access, 'public'>, readonly Role[]> = {
  admin: ['admin'],
  editor: ['admin', 'editor'],
  moderator: ['admin', 'moderator'],
};

export function hasRole(principal: Principal | null, access: Exclude<Access, 'public'>): boolean {
  return principal !== null && ALLOWED[access].includes(principal.role);
}

/** The caller of an authenticated route, as services record it. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.principal) throw new UnauthorizedError('This operation needs a bearer token');
  return { name: request.principal.name, tokenId: request.principal.tokenId };
}

/**
 * Makes access control mandatory: a route registered without `config.access` stops the app at
 * startup, and every request is authenticated before its handler runs.
 */
export function registerAccessControl(app: FastifyInstance, tokens: TokensService) {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (access !== 'public' && access !== 'editor' && access !== 'moderator' && access !== 'admin') {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no config.access`);
    }
    // The OpenAPI document says who may call each operation, from the same declaration that enforces it.
    const documented: Record<string, unknown> = {
      ...route.schema,
      'x-access': access,
      ...(access === 'public'
        ? // A token is optional, and read when sent: editors see drafts, and a bad one is refused.
          { security: [{}, { bearerAuth: [] }] }
        : {
            security: [{ bearerAuth: [] }],
            description: [
              route.schema?.description,
              `Requires a token with the ${access} role${access === 'admin' ? '' : ' (or admin)'}.`,
            ]
              .filter(Boolean)
              .join('\n\n'),
          }),
    };
    route.schema = documented;
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public';
    const header = request.headers.authorization;
    if (header !== undefined) request.principal = await tokens.authenticate(header);
    if (access === 'public') return;
    if (!request.principal) throw new UnauthorizedError('This operation needs a bearer token');
    if (!hasRole(request.principal, access)) {
      throw new ForbiddenError(
        `This operation needs the ${access} role; the token has the ${request.principal.role} role`,
      );
    }
  });
}
