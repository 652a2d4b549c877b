/**
 * Domain errors and the one catalog of problem types. Both the error handler and the OpenAPI
 * responses read PROBLEMS, so a documented problem and a thrown one cannot drift apart.
 * Nothing here knows about Fastify.
 */
export const PROBLEMS = {
  bad_request: {
    status: 400,
    title: 'Bad request',
    description:
      'The request cannot be read as sent: a malformed header, cursor or body. The detail names what to fix.',
  },
  validation_failed: {
    status: 400,
    title: 'Validation failed',
    description:
      'One or more fields are invalid. `errors` lists each one: where it is (body, query, params, headers), its path and what is wrong.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description:
      'The route needs a token: send `Authorization: Bearer <token>` with a token that exists and is not revoked.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description:
      'The token is valid, but its role may not do this: editors write content, moderators moderate comments, admins do both and manage tokens and webhooks.',
  },
  not_found: {
    status: 404,
    title: 'Not found',
    description:
      'Nothing is found under this name, or the route does not exist. An article that is not published is not found for readers.',
  },
  method_not_allowed: {
    status: 405,
    title: 'Method not allowed',
    description: 'The path exists but does not answer this method; the `Allow` header lists those it answers.',
  },
  not_acceptable: {
    status: 406,
    title: 'Not acceptable',
    description: 'The server cannot answer in a media type the `Accept` header allows; ask for application/json.',
  },
  request_timeout: {
    status: 408,
    title: 'Request timeout',
    description: 'The request took longer to arrive than the server waits; send it again.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    description:
      'The change was made against an older state: for a revision, `current_revision` and `conflicts` say what changed since your base; merge and send again with the new base.',
  },
  precondition_failed: {
    status: 412,
    title: 'Precondition failed',
    description:
      'The `If-Match` header names a version that is no longer current: fetch the resource again and retry with its ETag.',
  },
  payload_too_large: {
    status: 413,
    title: 'Payload too large',
    description: 'The body is larger than the server accepts (BODY_LIMIT_BYTES).',
  },
  uri_too_long: { status: 414, title: 'URI too long', description: 'The URL is longer than the server accepts.' },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    description: 'The body must be sent as application/json.',
  },
  unprocessable: {
    status: 422,
    title: 'Unprocessable content',
    description:
      "The request is well formed but cannot be carried out in the resource's current state; the detail says why.",
  },
  not_publishable: {
    status: 422,
    title: 'Cannot be published',
    description: 'The article cannot be published as it stands: the detail lists what it lacks (a title, a body...).',
  },
  precondition_required: {
    status: 428,
    title: 'Precondition required',
    description:
      'This write needs a precondition: send `If-Match` with the ETag you read, or the base revision, so no change is lost.',
  },
  too_many_requests: {
    status: 429,
    title: 'Too many requests',
    description: 'Too many requests from this client in the window; `Retry-After` says when to try again.',
  },
  headers_too_large: {
    status: 431,
    title: 'Request header fields too large',
    description: 'The request headers are larger than the server accepts.',
  },
  internal: {
    status: 500,
    title: 'Internal server error',
    description:
      "The server failed in a way it did not expect. The `request_id` identifies the request in the server's logs.",
  },
  // Before `unavailable`: a status's generic title is the last entry with that status.
  too_costly: {
    status: 503,
    title: 'Too costly',
    description:
      'The request would cost more work than one request may take (a search or a diff too large); narrow it, or retry later as `Retry-After` says.',
  },
  unavailable: {
    status: 503,
    title: 'Service unavailable',
    description:
      'The server cannot serve now (the database does not answer, or the server is overloaded); `Retry-After` says when to try again.',
  },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

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
