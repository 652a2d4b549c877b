/** One attempt: a signed POST, no redirect followed, at most a short excerpt of the answer read. */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress } from './address.js';
import type { AttemptResult } from './outcome.js';
import { hostOf, publicOnlyLookup, type Resolver, systemResolver } from './target.js';

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** How much of the response body is read and kept. */
  excerptBytes: number;
  resolve?: Resolver;
  /** Aborts the attempt (the process is shutting down). */
  signal?: AbortSignal;
}

export type Sender = (url: string, headers: Record<string, string>, body: string) => Promise<AttemptResult>;

const MAX_ERROR = 500;

/** PostgreSQL text cannot hold NUL, and a log line should not hold control characters at all. */
function printable(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').slice(0, max);
}

export function createSender(options: SendOptions): Sender {
  const lookup = options.allowPrivate ? undefined : publicOnlyLookup(options.resolve ?? systemResolver);
  return async (url, headers, body) => {
    const target = new URL(url);
    const host = hostOf(target);
    if (!options.allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
      return { status: null, error: `refused: ${host} is not a public address`, excerpt: null };
    }
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const done = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, error: result.error === null ? null : printable(result.error, MAX_ERROR) });
      };
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(target, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // A fresh connection per attempt: each one is checked by the lookup, none is kept open.
        agent: false,
        ...(lookup ? { lookup } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      timer.unref();
      request.on('error', (err) => done({ status: null, error: err.message, excerpt: null }));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const excerpt = Buffer.concat(chunks).subarray(0, options.excerptBytes).toString('utf8');
          const redirect =
            status >= 300 && status < 400
              ? `redirect${response.headers.location ? ` to ${response.headers.location}` : ''} not followed`
              : null;
          done({ status, error: redirect, excerpt: printable(excerpt, options.excerptBytes) });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          if (size >= options.excerptBytes) return;
          chunks.push(chunk);
          size += chunk.length;
          // Enough read: the rest of a large answer is never downloaded.
          if (size >= options.excerptBytes) finish();
        });
        response.on('end', finish);
        response.on('error', finish);
      });
      request.end(body);
    });
  };
}
