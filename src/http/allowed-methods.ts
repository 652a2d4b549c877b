/**
 * Which methods a path answers, so that a known path asked with another method gets 405 and an
 * `Allow` header rather than a 404 that says the resource does not exist (RFC 9110, 15.5.6).
 */

/** A route URL as Fastify writes it (`/v1/articles/:article`, `/docs/*`) as a pattern for concrete paths. */
export function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

export interface MethodIndex {
  add(url: string, methods: string | readonly string[]): void;
  /** The methods some route answers for `path` (no query), sorted; empty when no route matches it. */
  allowed(path: string): string[];
}

export function createMethodIndex(): MethodIndex {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  return {
    add(url, methods) {
      let route = routes.get(url);
      if (!route) {
        route = { pattern: routePattern(url), methods: new Set() };
        routes.set(url, route);
      }
      for (const method of typeof methods === 'string' ? [methods] : methods) route.methods.add(method.toUpperCase());
    },
    allowed(path) {
      // The router ignores a trailing slash: /v1/articles/ is /v1/articles.
      const trimmed = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
      const methods = new Set<string>();
      for (const route of routes.values()) {
        if (route.pattern.test(trimmed)) for (const method of route.methods) methods.add(method);
      }
      return [...methods].sort();
    },
  };
}
