import type { FastifyInstance } from 'fastify';
import { RESPONSE_HEADERS } from '../../src/http/openapi-headers.js';

type HeaderRef = { $ref: string };
type Operation = { responses: Record<string, { headers?: Record<string, HeaderRef> }> };
type Document = { paths: Record<string, Record<string, Operation>> };

/** Headers a response may carry only where the document declares them; the rest (Cache-Control, Vary) are set broadly. */
const DECLARED_ONLY = [
  'ETag',
  'Location',
  'Retry-After',
  'WWW-Authenticate',
  'Surrogate-Key',
  'Cache-Tag',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Idempotent-Replayed',
  'Content-Encoding',
];

const componentOf = (ref: HeaderRef) => ref.$ref.replace('#/components/headers/', '') as keyof typeof RESPONSE_HEADERS;

/**
 * Checks every response the app sends against its OpenAPI document: the status is declared for the
 * operation, the headers declared as required are there, and no documented header appears where
 * the document does not declare it. Returns the list of mismatches, for the test file to assert empty.
 */
export function observeContract(app: FastifyInstance): string[] {
  const mismatches: string[] = [];
  let document: Document | undefined;
  app.addHook('onResponse', async (request, reply) => {
    const url = request.routeOptions.url;
    if (!url) return;
    document ??= app.swagger() as unknown as Document;
    const path = url.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[request.method.toLowerCase()];
    if (!operation) return;
    const where = `${request.method} ${path} -> ${reply.statusCode}`;
    const response = operation.responses[String(reply.statusCode)];
    if (!response) {
      mismatches.push(`${where}: status not declared`);
      return;
    }
    const declared = Object.values(response.headers ?? {}).map(componentOf);
    for (const name of declared) {
      const header = RESPONSE_HEADERS[name] as { required?: boolean };
      if (header.required && reply.getHeader(name) === undefined) mismatches.push(`${where}: no ${name} header`);
    }
    for (const name of DECLARED_ONLY) {
      if (reply.getHeader(name) !== undefined && !declared.includes(name as keyof typeof RESPONSE_HEADERS)) {
        mismatches.push(`${where}: undeclared ${name} header`);
      }
    }
  });
  return mismatches;
}
