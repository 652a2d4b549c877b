/**
 * Response headers of the OpenAPI document. The zod transform drops `headers` from response
 * entries, and most headers come from cross-cutting hooks rather than routes, so they are added to
 * the generated document by rules over what it already says about each operation.
 */

interface Header {
  description: string;
  required?: boolean;
  schema: Record<string, unknown>;
}
type Response = { headers?: Record<string, unknown> };
type Operation = { parameters?: { in: string; name: string }[]; responses?: Record<string, Response> };

const text = { type: 'string' };
const seconds = { type: 'integer', minimum: 0 };

/** Components by header name; `required` only where every response of that kind carries the header. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      "The request's id, also `request_id` in problem documents: the caller's X-Request-Id when it is 1 to 64 of " +
      'A-Z a-z 0-9 . _ : -, otherwise a generated UUID',
    required: true,
    schema: text,
  },
  ETag: {
    description:
      'A strong validator of the body: send it back in If-None-Match to get a 304; an article ETag given to an ' +
      'editor also stands in for base_revision in If-Match',
    required: true,
    schema: text,
  },
  'Cache-Control': {
    description:
      '`public, max-age=…, stale-while-revalidate=…` without a token; `private, no-cache` with one; ' +
      '`private, no-store` on a draft preview',
    required: true,
    schema: text,
  },
  Vary: {
    description: 'Authorization: a token changes the response; Accept-Encoding: the body may be compressed',
    required: true,
    schema: text,
  },
  'Surrogate-Key': {
    description: 'Space-separated keys of what the body shows, to purge a CDN by (public responses)',
    schema: text,
  },
  'Cache-Tag': { description: 'The Surrogate-Key keys, comma-separated (public responses)', schema: text },
  Location: {
    description: 'The URL of the resource',
    required: true,
    schema: { type: 'string', format: 'uri-reference' },
  },
  Link: {
    description:
      'Related resources as RFC 8288 links: the OpenAPI document (`service-desc`), the reference (`service-doc`), the health check (`status`)',
    schema: text,
  },
  'X-Robots-Tag': {
    description: '`noindex`: a draft preview is kept out of search engines',
    required: true,
    schema: text,
  },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: seconds },
  'WWW-Authenticate': { description: 'The bearer challenge', required: true, schema: text },
  'RateLimit-Limit': { description: 'Writes allowed in the window (when rate limiting is on)', schema: seconds },
  'RateLimit-Remaining': { description: 'Writes left in the window', schema: seconds },
  'RateLimit-Reset': { description: 'Seconds until the window resets', schema: seconds },
  'Idempotent-Replayed': {
    description: 'Present on a replay: this is the stored first response to the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
} satisfies Record<string, Header>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;
type HeaderName = ResponseHeaderName;
const WRITES = new Set(['post', 'put', 'patch', 'delete']);
const RATE_LIMIT: HeaderName[] = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
const CONDITIONAL: HeaderName[] = ['ETag', 'Cache-Control', 'Vary', 'Surrogate-Key', 'Cache-Tag'];
const canonical = new Map(Object.keys(RESPONSE_HEADERS).map((name) => [name.toLowerCase(), name as HeaderName]));

/** The headers one response carries, by what the document says of its operation. */
function headersOf(method: string, status: string, operation: Operation): HeaderName[] {
  const names: HeaderName[] = ['X-Request-Id'];
  const responses = operation.responses ?? {};
  // An operation that answers 304 sends through caching.ts, which sets the validator and cache
  // headers on the 200 and, as RFC 9110 §15.4.5 asks, on the 304 too.
  if ('304' in responses && (status === '200' || status === '304')) names.push(...CONDITIONAL);
  // A former slug's redirect is cached and purged as the read it stands for.
  if (status === '301') names.push('Location', 'Cache-Control', 'Vary', 'Surrogate-Key', 'Cache-Tag');
  if (status === '401') names.push('WWW-Authenticate');
  if (status === '429' || status === '503') names.push('Retry-After');
  if (WRITES.has(method)) names.push(...RATE_LIMIT);
  const idempotent = operation.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
  if (idempotent && Number(status) < 500) names.push('Idempotent-Replayed');
  return names;
}

/** Adds the rule-based headers, and turns headers a route declared (a 201's Location) into the same components. */
export function withResponseHeaders<D extends object>(document: D): D {
  const ref = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });
  const { paths = {}, components } = document as {
    paths?: Record<string, Record<string, Operation>>;
    components?: object;
  };
  for (const operations of Object.values(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const headers: Record<string, unknown> = {};
        for (const name of headersOf(method, status, operation)) headers[name] = ref(name);
        for (const [name, declared] of Object.entries(response.headers ?? {})) {
          const known = canonical.get(name.toLowerCase());
          headers[known ?? name] = known ? ref(known) : declared;
        }
        response.headers = headers;
      }
    }
  }
  return { ...document, components: { ...components, headers: RESPONSE_HEADERS } };
}
