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

/** A coding chosen for one body, and the ETag of the body as it is, to fall back to. */
interface Choice {
  coding: Coding;
  identityEtag: string | undefined;
}

/**
 * Chooses the coding a body of `bytes` is sent in, says in Vary that the answer depends on
 * Accept-Encoding, and returns the ETag of that variant when the body has one. Both senders go
 * through here: one that checks If-None-Match before sending, and the hook for every other body.
 */
function choose(request: FastifyRequest, reply: FastifyReply, bytes: number, etag: string | undefined) {
  varyOn(reply, 'Accept-Encoding');
  const coding = chooseCoding(request.headers['accept-encoding'], bytes >= MIN_COMPRESSED_BYTES);
  return { coding, identityEtag: etag, etag: etag === undefined ? undefined : etagForCoding(etag, coding) };
}

/**
 * Codings chosen before the body was sent, by a sender that tagged its ETag and answered 304s with
 * it: the body they were chosen for, and where its compressed forms come from. Read once, by the
 * first onSend of the reply; an error answer sent after it is a body of its own.
 */
const chosen = new WeakMap<FastifyReply, Choice & { body: string | Buffer; encoder: Encoder | undefined }>();

/**
 * For a sender that checks If-None-Match: chooses the coding `body` will be sent in, and returns the
 * ETag of that variant, to set and to compare. The body is then compressed as the hook below sends it,
 * by `encoder` when given.
 */
export function chooseVariant(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string | Buffer,
  etag: string,
  encoder?: Encoder,
): string {
  const { coding, identityEtag, etag: variant = etag } = choose(request, reply, Buffer.byteLength(body), etag);
  chosen.set(reply, { coding, identityEtag, body, encoder });
  return variant;
}

/**
 * onSend hook: compresses text and JSON bodies in the coding the client prefers, and says in Vary
 * that the answer depends on Accept-Encoding. Registered after every hook that reads the body as
 * sent (idempotency keeps the identity body, to replay it to any client).
 * Left alone: 204 and 304 (no body), a body already encoded, streams, and event streams.
 * A body that fails to compress is sent as it is, with its own ETag: the client still gets its answer.
 */
export function registerCompression(
  app: FastifyInstance,
  { compress: compressBody = compress }: { compress?: typeof compress } = {},
) {
  app.addHook('onSend', async (request, reply, payload) => {
    const planned = chosen.get(reply);
    chosen.delete(reply);
    if (reply.statusCode === 204 || reply.statusCode === 304 || reply.hasHeader('content-encoding')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const type = reply.getHeader('content-type');
    if (!isCompressible(type === undefined ? undefined : String(type))) return payload;
    // The sender's choice holds only for the body it was made for: not for an error sent in its place.
    let choice: Choice;
    let encoder: Encoder;
    if (planned && reply.statusCode === 200 && payload === planned.body) {
      choice = planned;
      encoder = planned.encoder ?? ((coding) => compressBody(payload, coding));
    } else {
      const etag = reply.getHeader('etag');
      const made = choose(request, reply, Buffer.byteLength(payload), typeof etag === 'string' ? etag : undefined);
      if (made.etag !== undefined) reply.header('etag', made.etag);
      choice = made;
      encoder = (coding) => compressBody(payload, coding);
    }
    if (choice.coding === 'identity') return payload;
    let encoded: Buffer;
    try {
      encoded = await encoder(choice.coding);
    } catch (err) {
      request.log.error({ err, coding: choice.coding }, 'compressing the response failed: sent uncompressed');
      if (choice.identityEtag !== undefined) reply.header('etag', choice.identityEtag);
      return payload;
    }
    reply.header('content-encoding', choice.coding);
    // Fastify counts the length of what this hook returns.
    reply.removeHeader('content-length');
    return encoded;
  });
}
