import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type Coding,
  type ContentCoding,
  chooseCoding,
  etagForCoding,
  isCompressible,
  withVary,
} from './content-coding.js';

/** Below this, a compressed body saves less than the work costs: it goes as it is. */
export const MIN_COMPRESSED_BYTES = 1024;

const brotli = promisify(brotliCompress);
const deflateGzip = promisify(gzip);

/**
 * Compresses on the thread pool, off the event loop. Tuned for bodies made per change, not for
 * static files: brotli quality 5 is several times faster than the default 11 and close in size,
 * gzip level 6 is zlib's usual balance.
 */
export function compress(body: string | Buffer, coding: ContentCoding): Promise<Buffer> {
  const input = typeof body === 'string' ? Buffer.from(body) : body;
  if (coding === 'gzip') return deflateGzip(input, { level: 6 });
  return brotli(input, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 5,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
}

/** Adds `name` to the reply's Vary, keeping what CORS and caching put there. */
export function varyOn(reply: FastifyReply, name: string) {
  const existing = reply.getHeader('vary');
  reply.header('vary', withVary(existing === undefined ? undefined : String(existing), name));
}

/** Where a body's compressed forms come from: the response cache's, for a cached body. */
export type Encoder = (coding: ContentCoding) => Promise<Buffer>;

/** Codings chosen before the body was sent, by a sender that tagged its ETag and answered 304s with it. */
const chosen = new WeakMap<FastifyReply, { coding: Coding; encoder: Encoder | undefined }>();

/**
 * For a sender that checks If-None-Match: chooses the coding `body` will be sent in, and returns the
 * ETag of that variant, to set and to compare. The body is then compressed as the hook below sends it,
 * by `encoder` when given.
 */
export function chooseVariant(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  etag: string,
  encoder?: Encoder,
): string {
  varyOn(reply, 'Accept-Encoding');
  const coding = chooseCoding(request.headers['accept-encoding'], Buffer.byteLength(body) >= MIN_COMPRESSED_BYTES);
  chosen.set(reply, { coding, encoder });
  return etagForCoding(etag, coding);
}

/**
 * onSend hook: compresses text and JSON bodies in the coding the client prefers, and says in Vary
 * that the answer depends on Accept-Encoding. Registered after every hook that reads the body as
 * sent (idempotency keeps the identity body, to replay it to any client).
 * Left alone: 204 and 304 (no body), a body already encoded, streams, and event streams.
 */
export function registerCompression(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 204 || reply.statusCode === 304 || reply.hasHeader('content-encoding')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const type = reply.getHeader('content-type');
    if (!isCompressible(type === undefined ? undefined : String(type))) return payload;
    let choice = chosen.get(reply);
    if (!choice) {
      varyOn(reply, 'Accept-Encoding');
      const coding = chooseCoding(
        request.headers['accept-encoding'],
        Buffer.byteLength(payload) >= MIN_COMPRESSED_BYTES,
      );
      choice = { coding, encoder: undefined };
      const etag = reply.getHeader('etag');
      if (typeof etag === 'string') reply.header('etag', etagForCoding(etag, coding));
    }
    if (choice.coding === 'identity') return payload;
    const encoded = await (choice.encoder ?? ((coding: ContentCoding) => compress(payload, coding)))(choice.coding);
    reply.header('content-encoding', choice.coding);
    // Fastify counts the length of what this hook returns.
    reply.removeHeader('content-length');
    return encoded;
  });
}
