import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { Actor, Principal, Role } from '../shared/actor.js';
import type { IpHasher } from '../shared/ip-hash.js';
import type { RefusalLimiter } from './hardening.js';

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

/**
 * Who a caller is, for the budgets and keys kept per caller (rate limits, Idempotency-Key scopes):
 * the authenticated token, never the header's text, whose spellings (`bearer X`, `Bearer  X`) or a
 * fresh garbage token would each make a new caller; else a keyed hash of the address, never the address.
 */
export function callerKey(request: Pick<FastifyRequest, 'ip' | 'principal'>, hashIp: IpHasher): string {
  return request.principal ? `token:${request.principal.tokenId}` : `ip:${hashIp(request.ip)}`;
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
export function registerAccessControl(
  app: FastifyInstance,
  tokens: { authenticate(header: string): Promise<Principal> },
  limitRefusals: RefusalLimiter = async () => {},
) {
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
        ? // Anyone may call it, so no padlock. A token is still read when sent: editors see drafts,
          // and a bad one is refused (the 401 the operation declares).
          { security: [] }
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

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access ?? 'public';
    const header = request.headers.authorization;
    try {
      if (header !== undefined) request.principal = await tokens.authenticate(header);
      if (access !== 'public' && !request.principal) throw new UnauthorizedError('This operation needs a bearer token');
    } catch (err) {
      // A guessed token, or none, costs a write from the address's budget: a 429 once it is spent.
      if (err instanceof UnauthorizedError) await limitRefusals(request, reply);
      throw err;
    }
    if (access === 'public' || !request.principal) return;
    if (!hasRole(request.principal, access)) {
      throw new ForbiddenError(
        `This operation needs the ${access} role; the token has the ${request.principal.role} role`,
      );
    }
  });
}
