import { describe, expect, it } from 'vitest';
import {
  assertTagMatches,
  editBaseOf,
  editorEtagPrefix,
  parseIfMatch,
  revisionTag,
} from '../../../src/modules/articles/revisions/etag.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';

const content: ArticleContent = {
  title: 'T',
  slug: 't',
  standfirst: null,
  body: 'B',
  tags: [{ slug: 'a', name: 'A' }],
  credits: [],
  hero_image: null,
  source: null,
  ai_generated: false,
};
const ID = '019bc450-fa80-7765-8f98-a6f169650cc3';

describe('revisionTag', () => {
  it('is the same for the same article, revision and content, and 16 url-safe characters', () => {
    expect(revisionTag(ID, 3, content)).toBe(revisionTag(ID, 3, { ...content }));
    expect(revisionTag(ID, 3, content)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('does not depend on the order of keys inside the content, as the merge compares it', () => {
    const reordered: ArticleContent = { ...content, tags: [{ name: 'A', slug: 'a' }] };
    expect(revisionTag(ID, 3, reordered)).toBe(revisionTag(ID, 3, content));
  });

  it('changes with the article, the revision and every content field', () => {
    const base = revisionTag(ID, 3, content);
    expect(revisionTag(`${ID}x`, 3, content)).not.toBe(base);
    expect(revisionTag(ID, 4, content)).not.toBe(base);
    const changed: Partial<ArticleContent>[] = [
      { title: 'U' },
      { slug: 'u' },
      { standfirst: 'S' },
      { body: 'C' },
      { tags: [] },
      { credits: [{ role: 'author', name: 'N', organization: null, url: null, license: null, credit_id: 1 }] },
      { hero_image: { url: null, alt: 'a', caption: null, credit: null } },
      { source: { name: 'S', url: null } },
      { ai_generated: true },
    ] as Partial<ArticleContent>[];
    for (const change of changed) expect(revisionTag(ID, 3, { ...content, ...change })).not.toBe(base);
  });

  it('ignores what is not content, so a view with settings and counts gives the same prefix', () => {
    const view = { ...content, id: ID, revision: 3, comments_open: false, comment_count: 9 };
    expect(editorEtagPrefix(view)).toBe(`r3.${revisionTag(ID, 3, content)}.`);
  });
});

describe('parseIfMatch', () => {
  it('reads the revision and its tag from one strong editor ETag, spaces around it allowed', () => {
    expect(parseIfMatch(' "r12.AAAAAAAAAAAAAAAA.xyz" ')).toEqual({ revision: 12, tag: 'AAAAAAAAAAAAAAAA' });
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it.each([
    ['*', 428],
    [' * ', 428],
    ['W/"r1.AAAAAAAAAAAAAAAA.x"', 412],
    ['"r1.AAAAAAAAAAAAAAAA.x", "r1.AAAAAAAAAAAAAAAA.x"', 412],
    ['"r1.AAAAAAAAAAAAAAA.x"', 412],
    ['"r1.AAAAAAAAAAAAAAAA."', 412],
    ['"r01.AAAAAAAAAAAAAAAA.x"', 412],
    ['"r1234567890123456.AAAAAAAAAAAAAAAA.x"', 412],
    ['"r1.AAAAAAAAAAAAAAAA.x" junk', 412],
    ['"a"b"', 412],
    ['', 412],
  ])('refuses %j with %i', (header, status) => {
    expect(() => parseIfMatch(header)).toThrow(expect.objectContaining({ status }));
  });
});

describe('parseIfMatch refusals', () => {
  const refusal = (status: number, code: string, message: string) =>
    expect.objectContaining({ status, code, message, extras: {} });

  it('tells the editor what is wrong with the header, in words they can act on', () => {
    expect(() => parseIfMatch('*')).toThrow(
      refusal(
        428,
        'precondition_required',
        'If-Match: * does not say which revision this edit was made from: send base_revision, or If-Match with the article ETag',
      ),
    );
    expect(() => parseIfMatch('"a"b"')).toThrow(
      refusal(412, 'precondition_failed', 'If-Match is not a list of entity tags'),
    );
    expect(() => parseIfMatch('')).toThrow(
      refusal(412, 'precondition_failed', 'If-Match is not a list of entity tags'),
    );
    expect(() => parseIfMatch('"r1.AAAAAAAAAAAAAAAA.x", "r2.AAAAAAAAAAAAAAAA.x"')).toThrow(
      refusal(
        412,
        'precondition_failed',
        'If-Match must name one ETag: the one of the version this edit was made from',
      ),
    );
    expect(() => parseIfMatch('W/"r1.AAAAAAAAAAAAAAAA.x"')).toThrow(
      refusal(412, 'precondition_failed', 'A weak ETag never matches If-Match; send the ETag as it was given'),
    );
    expect(() => parseIfMatch('"r1.AAAAAAAAAAAAAAA.x"')).toThrow(
      refusal(
        412,
        'precondition_failed',
        'If-Match names no version of this article; send the ETag of GET /v1/articles/{article}',
      ),
    );
  });

  it('accepts a trailing comma, an empty list element RFC 9110 asks recipients to accept, but not an empty list', () => {
    expect(parseIfMatch('"r3.AAAAAAAAAAAAAAAA.x",')).toEqual({ revision: 3, tag: 'AAAAAAAAAAAAAAAA' });
    expect(parseIfMatch('"r3.AAAAAAAAAAAAAAAA.x", ')).toEqual({ revision: 3, tag: 'AAAAAAAAAAAAAAAA' });
    expect(parseIfMatch(', "r3.AAAAAAAAAAAAAAAA.x"')).toEqual({ revision: 3, tag: 'AAAAAAAAAAAAAAAA' });
    expect(parseIfMatch(' ,, "r3.AAAAAAAAAAAAAAAA.x" ,')).toEqual({ revision: 3, tag: 'AAAAAAAAAAAAAAAA' });
    expect(() => parseIfMatch('"r3.AAAAAAAAAAAAAAAA.x",,"r4.AAAAAAAAAAAAAAAA.x"')).toThrow(
      refusal(
        412,
        'precondition_failed',
        'If-Match must name one ETag: the one of the version this edit was made from',
      ),
    );
    expect(() => parseIfMatch(' , ')).toThrow(
      refusal(412, 'precondition_failed', 'If-Match is not a list of entity tags'),
    );
    expect(() => parseIfMatch('"r3.AAAAAAAAAAAAAAAA.x" "r4.AAAAAAAAAAAAAAAA.x"')).toThrow(
      refusal(412, 'precondition_failed', 'If-Match is not a list of entity tags'),
    );
    expect(() => parseIfMatch('   ')).toThrow(
      refusal(412, 'precondition_failed', 'If-Match is not a list of entity tags'),
    );
  });
});

describe('editBaseOf', () => {
  it('takes base_revision alone, If-Match alone, or both when they agree', () => {
    expect(editBaseOf(2, undefined)).toEqual({ revision: 2 });
    expect(editBaseOf(undefined, '"r2.AAAAAAAAAAAAAAAA.x"')).toEqual({ revision: 2, tag: 'AAAAAAAAAAAAAAAA' });
    expect(editBaseOf(2, '"r2.AAAAAAAAAAAAAAAA.x"')).toEqual({ revision: 2, tag: 'AAAAAAAAAAAAAAAA' });
    expect(editBaseOf(undefined, undefined)).toBeUndefined();
  });

  it('refuses both when they name different revisions, and still checks If-Match with base_revision', () => {
    expect(() => editBaseOf(1, '"r2.AAAAAAAAAAAAAAAA.x"')).toThrow(
      expect.objectContaining({
        status: 400,
        message: 'base_revision and If-Match name different revisions',
        extras: { errors: [{ in: 'body', path: 'base_revision', message: 'is 1, but If-Match names revision 2' }] },
      }),
    );
    expect(() => editBaseOf(1, 'W/"r1.AAAAAAAAAAAAAAAA.x"')).toThrow(expect.objectContaining({ status: 412 }));
  });
});

describe('assertTagMatches', () => {
  it('passes a tag made for the stored revision, or no tag at all', () => {
    const tag = revisionTag(ID, 1, content);
    expect(() => assertTagMatches(ID, { revision: 1, tag }, content, 4)).not.toThrow();
    expect(() => assertTagMatches(ID, { revision: 1 }, undefined, 4)).not.toThrow();
  });

  it('refuses a tag for other content or a revision that is not stored, naming the head', () => {
    const tag = revisionTag(ID, 1, content);
    expect(() => assertTagMatches(ID, { revision: 1, tag }, { ...content, body: 'restored other' }, 4)).toThrow(
      expect.objectContaining({
        status: 412,
        message: 'If-Match does not match revision 1 of this article; read it again (its head is revision 4)',
        extras: { current_revision: 4 },
      }),
    );
    expect(() => assertTagMatches(ID, { revision: 9, tag }, undefined, 4)).toThrow(
      expect.objectContaining({ status: 412 }),
    );
  });
});
