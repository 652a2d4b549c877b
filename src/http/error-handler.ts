import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseBusy, isDatabaseUnreachable, isUnstorableValue, toDomainError } from '../db/errors.js';
import { AppError, type FieldError, PROBLEMS, type ProblemCode } from '../errors.js';
// Validation messages in Fjord's words, for every issue a schema does not word itself.
import '../shared/validation-messages.js';
import { createMethodIndex } from './allowed-methods.js';
import type { Problem } from './problem.js';

const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
/** A 503 documents Retry-After; when the thrower did not say, a few seconds is a safe guess. */
const UNKNOWN_CAUSE_RETRY_AFTER_S = 5;

const codeByStatus = new Map<number, ProblemCode>();
for (const [code, { status }] of Object.entries(PROBLEMS) as [ProblemCode, { status: number }][]) {
  if (!codeByStatus.has(status)) codeByStatus.set(status, code);
}

const PART: Record<string, FieldError['in']> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** Fastify's own client errors, with details worth more than the default message. */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be sent as application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this server accepts',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request declares a JSON body but sends none',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
};

function problem(
  request: FastifyRequest,
  code: ProblemCode,
  detail: string,
  extras: Record<string, unknown> = {},
): Problem {
  const { status, title } = PROBLEMS[code];
  return {
    type: `/problems/${code}`,
    title,
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    code,
    request_id: request.id,
    ...extras,
  };
}

export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}) {
  return reply
    .code(body.status)
    .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' })
    .send(JSON.stringify(body));
}

/** Zod reports an unknown key on its object; name the key itself, as a reader would look for it. */
function issuesOf(error: FastifyError, part: FieldError['in']): FieldError[] {
  return (error.validation ?? []).flatMap((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const keys = (issue.params as { keys?: unknown }).keys;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return keys.map((key) => ({
        in: part,
        path: path ? `${path}.${String(key)}` : String(key),
        message: 'is not a known field',
      }));
    }
    return [{ in: part, path, message: issue.message ?? 'is invalid' }];
  });
}

function validationProblem(request: FastifyRequest, error: FastifyError): Problem {
  const part = PART[error.validationContext ?? 'body'] ?? 'body';
  const errors = issuesOf(error, part);
  const names = [...new Set(errors.map((e) => e.path || `the ${part} itself`))];
  return problem(
    request,
    part === 'body' ? 'validation_failed' : 'bad_request',
    `Invalid ${part}: ${names.join(', ')}`,
    { errors },
  );
}

/**
 * Fastify's `frameworkErrors` option: what fails before routing (a percent-encoding that does not
 * decode, a path segment over maxParamLength) never reaches the error handler, and Fastify would
 * answer it with its own JSON shape.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendProblem(
      reply,
      problem(request, 'bad_request', 'The URL holds a percent-encoded sequence that does not decode'),
    );
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendProblem(
      reply,
      problem(request, 'uri_too_long', 'A segment of the URL path is longer than this server accepts'),
    );
  } else {
    request.log.error({ err: error }, 'unexpected framework error');
    void sendProblem(reply, problem(request, 'internal', 'Unexpected error'));
  }
}

/** One place turns every thrown thing into problem+json; handlers never translate errors themselves. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((thrown: FastifyError, request, reply) => {
    // A busy or unreachable database can surface from any statement, repositories or not: one
    // mapping serves all. Unreachable is logged, once per request: it is the operator's to fix.
    const unreachable = isDatabaseUnreachable(thrown);
    if (unreachable) request.log.warn({ err: thrown }, 'the database does not answer');
    const unstorable = isUnstorableValue(thrown);
    // A value validation let through: the client gets its 400, and the gap is logged to be closed.
    if (unstorable) request.log.warn({ err: thrown }, 'the database refused a value the request carried');
    const mapped = unreachable || unstorable || isDatabaseBusy(thrown);
    const error = (mapped ? toDomainError(thrown) : thrown) as FastifyError;
    if (error instanceof AppError) {
      return sendProblem(reply, problem(request, error.code, error.message, error.extras), error.headers);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendProblem(reply, validationProblem(request, error));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause?.issues }, 'response does not match its schema');
      return sendProblem(reply, problem(request, 'internal', 'Unexpected error'));
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = codeByStatus.get(status) ?? 'bad_request';
      const detail = FASTIFY_DETAILS[error.code] ?? error.message;
      const headers: Record<string, string> = {};
      const retryAfter = (error as { headers?: Record<string, unknown> }).headers?.['retry-after'];
      if (typeof retryAfter === 'string' || typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
      return sendProblem(reply, { ...problem(request, code, detail), status }, headers);
    }
    request.log.error({ err: error }, 'unexpected error');
    if (status === 503) {
      return sendProblem(reply, problem(request, 'unavailable', 'The service is unavailable'), {
        'retry-after': String(UNKNOWN_CAUSE_RETRY_AFTER_S),
      });
    }
    return sendProblem(reply, problem(request, 'internal', 'Unexpected error'));
  });

  // Every route registered from here on, so that a wrong method on a known path is a 405.
  const methods = createMethodIndex();
  app.addHook('onRoute', (route) => {
    // OPTIONS answers CORS preflights on every path; it says nothing about what a path serves.
    if (route.url !== '*') methods.add(route.url, route.method);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methods.allowed(path);
    // A route that answers this method and still found nothing (a missing /docs asset) is a 404.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      const detail = `${path} does not answer ${request.method}; it answers ${allowed.join(', ')}`;
      return sendProblem(reply, problem(request, 'method_not_allowed', detail), { allow: allowed.join(', ') });
    }
    return sendProblem(reply, problem(request, 'not_found', `No route for ${request.method} ${path}`));
  });
}
