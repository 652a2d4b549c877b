/**
 * What readers are sent of a published article, rendered once and stored (`article_documents`):
 * its public JSON with the ETag and surrogate keys of that response, and its teaser, the item of a
 * list page. Rendering runs the routes' own serializer (zod encode, then JSON.stringify), so a
 * stored document is byte for byte what serializing the article per request gave, and a page of
 * stored teasers, joined as below, is what serializing the page gave.
 */
import { serializerCompiler } from 'fastify-type-provider-zod';
import { etagOf } from '../../http/caching.js';
import { SurrogateKeys } from '../../shared/changes.js';
import { type TeaserRow, toTeaser } from '../teasers/teaser.js';
import type { ArticleRow, CreditLink, TagLink } from './repository.js';
import { ArticleTeaserSchema, type PublicArticle, PublicArticleSchema } from './schemas.js';

const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** The public shape of an article from its row: the read model a publication writes, with its tag and credit links. */
export function toPublicArticle(row: ArticleRow, tags: TagLink[], credits: CreditLink[]): PublicArticle {
  return {
    view: 'public',
    ...toTeaser(row, tags),
    body: row.body ?? '',
    body_html: row.bodyHtml ?? '',
    credits,
    source: parseJson(row.source),
    comments_open: row.commentsOpen,
    revision: row.publishedRevision ?? 0,
  };
}

/** An article's response shows the article, its tags and its credits: a change to any purges it. */
export function articleKeys(article: PublicArticle): string[] {
  return [
    SurrogateKeys.article(article.id),
    ...article.tags.map((t) => SurrogateKeys.tag(t.slug)),
    ...article.credits.map((c) => SurrogateKeys.credit(c.id)),
  ];
}

const serializeArticle = serializerCompiler({
  schema: PublicArticleSchema,
  method: 'GET',
  url: '/v1/articles/:article',
});
const serializeTeaser = serializerCompiler({ schema: ArticleTeaserSchema, method: 'GET', url: '/v1/articles' });

/** A stored article response: sent as it is, with no parsing, mapping or hashing. */
export interface ArticleDocument {
  body: string;
  etag: string;
  /** Surrogate keys, space-separated (no key holds a space: src/shared/changes.ts). */
  keys: string;
}

/** Everything stored for one article, rendered from one read of its row and links. */
export interface RenderedDocuments extends ArticleDocument {
  /** The current slug the article is served under, so a reader's slug finds the document at once. */
  slug: string;
  teaser: string;
}

export function renderTeaser(row: TeaserRow, tags: TagLink[]): string {
  return serializeTeaser(toTeaser(row, tags));
}

export function renderDocuments(row: ArticleRow, tags: TagLink[], credits: CreditLink[]): RenderedDocuments {
  const article = toPublicArticle(row, tags, credits);
  const body = serializeArticle(article);
  return {
    slug: row.slug,
    teaser: renderTeaser(row, tags),
    body,
    etag: etagOf(body),
    keys: articleKeys(article).join(' '),
  };
}

const PAGE_START = Buffer.from('{"view":"public","data":[');
const COMMA = Buffer.from(',');

/**
 * A page of published articles from its stored teasers' UTF-8 bytes, as ArticlePageSchema
 * serializes `{ view, data, meta: { next_cursor } }`: the schema's key order, JSON.stringify's spelling.
 */
export function pageBody(teasers: readonly Uint8Array[], nextCursor: string | null): Buffer {
  const cursor = nextCursor === null ? 'null' : JSON.stringify(nextCursor);
  const parts: Uint8Array[] = [PAGE_START];
  teasers.forEach((teaser, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(teaser);
  });
  parts.push(Buffer.from(`],"meta":{"next_cursor":${cursor}}}`));
  return Buffer.concat(parts);
}
