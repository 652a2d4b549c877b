/**
 * Domain errors and the one catalog of problem types. Both the error handler and the OpenAPI
 * responses read PROBLEMS, so a documented problem and a thrown one cannot drift apart.
 * Nothing here knows about Fastify.
 */
export const PROBLEMS = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'Validation failed' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  request_timeout: { status: 408, title: 'Request timeout' },
  conflict: { status: 409, title: 'Conflict' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  uri_too_long: { status: 414, title: 'URI too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'Unprocessable content' },
  not_publishable: { status: 422, title: 'Cannot be published' },
  precondition_required: { status: 428, title: 'Precondition required' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  internal: { status: 500, title: 'Internal server error' },
  // Before `unavailable`: a status's generic title is the last entry with that status.
  too_costly: { status: 503, title: 'Too costly' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface FieldError {
  /** Where the field is: body, query, params or headers. */
  in: 'body' | 'query' | 'params' | 'headers';
  /** The field's path, dot-separated (`tags.0.name`); empty for the whole part. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: ProblemCode,
    detail: string,
    /** Extra members of the problem document (RFC 9457 extensions). */
    readonly extras: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = PROBLEMS[code].status;
    this.title = PROBLEMS[code].title;
  }
}

export class NotFoundError extends AppError {
  constructor(detail: string) {
    super('not_found', detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, extras: Record<string, unknown> = {}) {
    super('conflict', detail, extras);
  }
}

export class ValidationError extends AppError {
  constructor(
    detail: string,
    readonly errors: FieldError[],
  ) {
    super('validation_failed', detail, { errors });
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string, errors: FieldError[] = []) {
    super('bad_request', detail, errors.length > 0 ? { errors } : {});
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail: string) {
    super('unauthorized', detail, {}, { 'www-authenticate': 'Bearer realm="fjord"' });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail: string) {
    super('forbidden', detail);
  }
}

/** 503 with Retry-After: the request was fine, the server cannot take it right now. */
export class UnavailableError extends AppError {
  constructor(detail: string, retryAfterSeconds: number, extras: Record<string, unknown> = {}) {
    super('unavailable', detail, extras, { 'retry-after': String(retryAfterSeconds) });
  }
}
