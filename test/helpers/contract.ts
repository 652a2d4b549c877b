import type { ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { RESPONSE_HEADERS } from '../../src/http/openapi-headers.js';

type HeaderRef = { $ref: string };
type Response = { headers?: Record<string, HeaderRef>; content?: Record<string, { schema: object }> };
type Operation = { responses: Record<string, Response | { $ref: string }> };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, Response> };
};

/** An operation's response for a status, following a reference to a shared one. */
export function responseOf(document: Document, operation: Operation, status: string): Response | undefined {
  const response = operation.responses[status];
  if (!response || !('$ref' in response)) return response;
  const shared = document.components?.responses?.[response.$ref.replace('#/components/responses/', '')];
  if (!shared) throw new Error(`${response.$ref} names no response`);
  return shared;
}

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
];

const componentOf = (ref: HeaderRef) => ref.$ref.replace('#/components/headers/', '') as keyof typeof RESPONSE_HEADERS;

/**
 * Checks every response the app sends against its OpenAPI document: the status is declared for the
 * operation, the headers declared as required are there, no documented header appears where the
 * document does not declare it, and a JSON or problem body matches the schema declared for it.
 * Returns the list of mismatches, for the test file to assert empty.
 */
export function observeContract(app: FastifyInstance): string[] {
  const mismatches: string[] = [];
  let document: Document | undefined;
  const bodies = new WeakMap<object, string>();
  // Cache hits are written straight to the response, headers and body, bypassing the reply
  // (src/http/early-hits.ts): what they wrote is read from the response itself.
  const written = new WeakMap<ServerResponse, Map<string, string>>();
  app.server.prependListener('request', (_request, response: ServerResponse) => {
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    Object.assign(response, {
      writeHead: (...args: unknown[]) => {
        const headers = args.find(Array.isArray) as string[] | undefined;
        if (headers) {
          const sent = new Map<string, string>();
          for (let i = 0; i + 1 < headers.length; i += 2)
            sent.set(String(headers[i]).toLowerCase(), String(headers[i + 1]));
          written.set(response, sent);
        }
        return writeHead(...args);
      },
      end: (...args: unknown[]) => {
        if (written.has(response) && typeof args[0] === 'string') bodies.set(response, args[0]);
        return end(...args);
      },
    });
  });
  // What was sent, for onResponse to check against the schema: JSON bodies are strings by then.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (typeof payload === 'string') bodies.set(request, payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const sent = written.get(reply.raw);
    const headerOf = (name: string) => reply.getHeader(name) ?? sent?.get(name.toLowerCase());
    const url = request.routeOptions.url;
    if (!url) return;
    document ??= app.swagger() as unknown as Document;
    const path = url.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[request.method.toLowerCase()];
    if (!operation) return;
    const where = `${request.method} ${path} -> ${reply.statusCode}`;
    const response = responseOf(document, operation, String(reply.statusCode));
    if (!response) {
      mismatches.push(`${where}: status not declared`);
      return;
    }
    const declared = Object.values(response.headers ?? {}).map(componentOf);
    for (const name of declared) {
      const header = RESPONSE_HEADERS[name] as { required?: boolean };
      if (header.required && headerOf(name) === undefined) mismatches.push(`${where}: no ${name} header`);
    }
    for (const name of DECLARED_ONLY) {
      if (headerOf(name) !== undefined && !declared.includes(name as keyof typeof RESPONSE_HEADERS)) {
        mismatches.push(`${where}: undeclared ${name} header`);
      }
    }
    const body = bodies.get(request) ?? bodies.get(reply.raw);
    const mediaType = String(headerOf('content-type') ?? '').split(';')[0] ?? '';
    const schema = response.content?.[mediaType]?.schema;
    if (body === undefined || !/^application\/(?:problem\+)?json$/.test(mediaType)) return;
    if (!schema) {
      mismatches.push(`${where}: ${mediaType} body not declared`);
      return;
    }
    const validate = validatorOf(document, schema);
    if (!validate(JSON.parse(body))) {
      mismatches.push(`${where}: body does not match its schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
  });
  return mismatches;
}

const ajv = new Ajv2020({ strict: false, validateFormats: false });
const documentIds = new WeakMap<object, string>();
let documents = 0;
const validators = new WeakMap<object, ValidateFunction>();

/**
 * A validator of one response schema of the document, its `#/components/...` references read in
 * the document itself. Formats are not checked: `format` is an annotation in JSON Schema 2020-12.
 */
function validatorOf(document: Document, schema: object): ValidateFunction {
  let id = documentIds.get(document);
  if (!id) {
    documents += 1;
    id = `https://fjord.test/openapi-${documents}.json`;
    ajv.addSchema({ ...document, $id: id });
    documentIds.set(document, id);
  }
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/', `"${id}#/`)) as object);
    validators.set(schema, validate);
  }
  return validate;
}
