import { describe, expect, it } from 'vitest';
import { compress } from '../../src/http/compression.js';
import type { ContentCoding } from '../../src/http/content-coding.js';
import { buildTestApp } from '../helpers/build-app.js';
import { createPublishedArticle, createToken } from '../helpers/factories.js';

/** The compressor fails while `failing` is set: what a client gets from the whole app when compression breaks. */
let failing = false;
const failingCompress = (body: string | Buffer, coding: ContentCoding) =>
  failing ? Promise.reject(new Error('compressor out of memory')) : compress(body, coding);

const { app, services } = await buildTestApp({ compress: failingCompress });
const editor = await createToken(services, 'editor', 'Compression failure');
const longBody = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} of a long read about fjords.`).join('\n\n');

async function whileFailing<T>(run: () => Promise<T>): Promise<T> {
  failing = true;
  try {
    return await run();
  } finally {
    failing = false;
  }
}

describe('a body that fails to compress', () => {
  it.each([
    ['a public read that fills the response cache', () => ({})],
    ['an editor read no cache keeps', () => ({ authorization: editor.header })],
  ])('reaches %s whole, uncompressed, with its own ETag', async (_, auth) => {
    const article = await createPublishedArticle(services, { body: longBody });
    const url = `/v1/articles/${article.slug}`;
    const res = await whileFailing(() => app.inject({ url, headers: { ...auth(), 'accept-encoding': 'br' } }));
    const plain = await app.inject({ url, headers: { ...auth(), 'accept-encoding': 'identity' } });
    expect(plain.statusCode).toBe(200);
    expect({
      status: res.statusCode,
      coding: res.headers['content-encoding'],
      type: res.headers['content-type'],
      etag: res.headers.etag,
      body: res.body,
    }).toEqual({
      status: 200,
      coding: undefined,
      type: 'application/json; charset=utf-8',
      etag: plain.headers.etag,
      body: plain.body,
    });
    expect(res.json().body).toBe(longBody);
  });

  it('reaches every reader of a cached article that arrive together', async () => {
    const article = await createPublishedArticle(services, { body: longBody });
    const url = `/v1/articles/${article.slug}`;
    const plain = await app.inject({ url, headers: { 'accept-encoding': 'identity' } });
    const read = () => app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    const together = await whileFailing(() => Promise.all([read(), read(), read(), read()]));
    for (const res of together) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-cache']).toBe('hit');
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.etag).toBe(plain.headers.etag);
      expect(res.body).toBe(plain.body);
    }
    // The failure is not kept: once the compressor works, the cached article goes compressed.
    const later = await read();
    expect(later.headers['content-encoding']).toBe('gzip');
    expect(later.headers.etag).toBe(String(plain.headers.etag).replace(/"$/, '-gzip"'));
  });

  it('reaches the writer of a new article', async () => {
    const res = await whileFailing(() =>
      app.inject({
        method: 'POST',
        url: '/v1/articles',
        headers: { authorization: editor.header, 'accept-encoding': 'br' },
        payload: { title: 'Written while compression fails', lang: 'en', body: longBody },
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.json()).toMatchObject({ title: 'Written while compression fails', body: longBody });
    expect(String(res.headers.etag)).toMatch(/^"r1\./);
    expect(String(res.headers.etag)).not.toMatch(/-(br|gzip)"$/);
  });
});
