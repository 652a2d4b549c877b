import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';
import { PROBLEMS, type ProblemCode } from '../errors.js';
import { SECURITY_HEADERS } from './hardening.js';

type ConnectionConfig = Pick<
  Config,
  'HEADERS_TIMEOUT_S' | 'REQUEST_TIMEOUT_S' | 'KEEP_ALIVE_TIMEOUT_S' | 'MAX_CONNECTIONS'
>;

export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How often Node looks for requests past their headers or request timeout. */
  checkIntervalMs: number;
  /** 0: no cap. */
  maxConnections: number;
}

/**
 * Node checks the headers and request timeouts only every `connectionsCheckingInterval` (30 s by
 * default), so a 30 s timeout cut slow clients at up to 60 s. A check every quarter of the headers
 * timeout, between 100 ms and 1 s, cuts them within a quarter of the configured time. Each check
 * walks only the connections with a request in progress.
 */
export function connectionLimits(config: ConnectionConfig): ConnectionLimits {
  const headersTimeoutMs = Math.round(config.HEADERS_TIMEOUT_S * 1000);
  return {
    headersTimeoutMs,
    requestTimeoutMs: Math.round(config.REQUEST_TIMEOUT_S * 1000),
    keepAliveTimeoutMs: Math.round(config.KEEP_ALIVE_TIMEOUT_S * 1000),
    checkIntervalMs: Math.min(1000, Math.max(100, Math.round(headersTimeoutMs / 4))),
    maxConnections: config.MAX_CONNECTIONS,
  };
}

/** A whole HTTP/1.1 response carrying a problem document, for a socket no request object ever wrapped. */
export function rawProblemResponse(code: ProblemCode, detail: string): string {
  const { status, title } = PROBLEMS[code];
  const requestId = randomUUID();
  // `instance` is the empty reference, "this request": its path may never have arrived.
  const body = JSON.stringify({
    type: `/problems/${code}`,
    title,
    status,
    detail,
    instance: '',
    code,
    request_id: requestId,
  });
  // The headers of every other answer: this one is no less a response of this API.
  return [
    `HTTP/1.1 ${status} ${title}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    `X-Request-Id: ${requestId}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

const CLIENT_ERRORS: Record<string, [ProblemCode, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['request_timeout', 'The request was not received in time; the connection is closed'],
  HPE_HEADER_OVERFLOW: ['headers_too_large', 'The request headers are larger than this server accepts'],
};
const MALFORMED: [ProblemCode, string] = ['bad_request', 'The request is not valid HTTP/1.1'];

/** Says whether a response is being written on a socket: its headers are out, its end is not. */
export type ResponseUnderway = (socket: Socket) => boolean;

/**
 * Remembers the response each socket last carried, through the public 'request' event: Node keeps
 * the one under way only in a private field. One WeakMap write per request; gone with the socket.
 */
export function watchResponses(): { watch: (server: Server) => void; underway: ResponseUnderway } {
  const latest = new WeakMap<Socket, ServerResponse>();
  return {
    watch(server) {
      // Before the app's own listener, so the response is known from the request's first moment.
      server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
        latest.set(request.socket, response);
      });
    },
    underway(socket) {
      const response = latest.get(socket);
      return response !== undefined && response.headersSent && !response.writableFinished;
    },
  };
}

/**
 * Fastify's `clientErrorHandler`: what goes wrong before a request exists (too slow, headers too
 * large, not HTTP) is answered as a problem rather than Node's or Fastify's own body, then closed.
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Socket,
  responseUnderway: ResponseUnderway,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, detail] = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  // A response already under way cannot be replaced by another on the same socket.
  if (socket.writable && !responseUnderway(socket)) socket.end(rawProblemResponse(code, detail));
  socket.destroySoon();
}

/** Fastify options that make slow clients, idle connections and malformed requests cost what the configuration says. */
export function connectionOptions(limits: ConnectionLimits, responseUnderway: ResponseUnderway) {
  return {
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // A socket with no bytes either way for this long is dead, whatever it was doing.
    connectionTimeout: limits.requestTimeoutMs * 2,
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) =>
      answerClientError(error, socket, responseUnderway),
  };
}

/** Connections beyond the cap are closed as they arrive, before any byte is read: file descriptors are finite. */
export function capConnections(server: Server, limits: ConnectionLimits): void {
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
}
