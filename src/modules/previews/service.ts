import { randomBytes } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import type { EditorService } from '../articles/editor-service.js';
import type { RevisionsRepository } from '../articles/revisions/revisions-repository.js';
import type { PublicArticle } from '../articles/schemas.js';
import { contentOf } from '../articles/views.js';
import { hashToken } from '../tokens/service.js';
import { asPublished, type CatalogueReader } from './published-view.js';
import type { PreviewLinkRow, PreviewsRepository } from './repository.js';
import type { CreatedPreview, CreatePreviewBody, PreviewLink, PreviewLinkPage } from './schemas.js';

/** 32 random bytes, base64url: 256 bits, as API tokens. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One answer for a token that never existed, has expired, was revoked, or shows an article that is
 * gone: a caller learns nothing about which tokens exist.
 */
const noPreview = () => new NotFoundError('No preview at this address; it may have expired or been revoked');

function linkFields(row: PreviewLinkRow) {
  return {
    id: row.id,
    article_id: row.articleId,
    revision: row.revision,
    expires_at: iso(row.expiresAt),
    created_at: iso(row.createdAt),
  };
}

function toPreviewLink(row: PreviewLinkRow, now: number): PreviewLink {
  const status = row.revokedAt !== null ? 'revoked' : row.expiresAt <= now ? 'expired' : 'active';
  return {
    ...linkFields(row),
    created_by: row.createdBy,
    revoked_at: row.revokedAt === null ? null : iso(row.revokedAt),
    status,
  };
}

/**
 * Where a token is read: `template` (PREVIEW_URL) with the token in place of `{token}`, for a frontend
 * that renders previews itself; otherwise this API's own preview route at the request's origin.
 */
export function previewUrl(template: string | undefined, origin: string, token: string): string {
  if (template) return template.replaceAll('{token}', token);
  try {
    return new URL(`/v1/preview/${token}`, origin).href;
  } catch {
    throw new BadRequestError('The request names no host a preview URL can be made for; set PREVIEW_URL');
  }
}

export function createPreviewsService({
  repo,
  editor,
  revisions,
  catalogue,
  clock,
  urlTemplate,
}: {
  repo: PreviewsRepository;
  editor: Pick<EditorService, 'record'>;
  revisions: Pick<RevisionsRepository, 'findRecord' | 'findRevision'>;
  catalogue: CatalogueReader;
  clock: Clock;
  /** PREVIEW_URL: a URL holding `{token}`; unset, links point at GET /v1/preview/{token}. */
  urlTemplate?: string | undefined;
}) {
  return {
    /** Makes a link; its token is in this answer only, and stored as its SHA-256. */
    async create(ref: string, body: CreatePreviewBody, actor: Actor, origin: string): Promise<CreatedPreview> {
      const { article } = await editor.record(ref);
      // As publishing refuses: an archived article will not be published, so there is nothing to preview.
      if (article.status === 'archived') {
        throw new ConflictError('The article is archived: archived articles cannot be previewed');
      }
      if (body.revision !== undefined && !(await revisions.findRevision(article.id, body.revision))) {
        throw new ValidationError('Invalid body: revision', [
          { in: 'body', path: 'revision', message: `the article has no revision ${body.revision}` },
        ]);
      }
      const token = randomBytes(32).toString('base64url');
      const url = previewUrl(urlTemplate, origin, token);
      const now = clock.now();
      const row = await repo.insert({
        articleId: article.id,
        revision: body.revision ?? null,
        tokenHash: hashToken(token),
        createdBy: actor.name,
        createdAt: now,
        expiresAt: now + body.expires_in * 1000,
      });
      return { ...linkFields(row), url, token };
    },

    /** The article as it would be published, for anyone holding a working token. */
    async read(token: string): Promise<PublicArticle> {
      if (!TOKEN_PATTERN.test(token)) throw noPreview();
      const link = await repo.findByHash(hashToken(token));
      const now = clock.now();
      if (!link || link.revokedAt !== null || link.expiresAt <= now) throw noPreview();
      const record = await revisions.findRecord(link.articleId);
      if (!record || record.article.status === 'archived') throw noPreview();
      const number = link.revision ?? record.article.headRevision;
      const revision =
        number === record.head.number ? record.head : await revisions.findRevision(link.articleId, number);
      if (!revision) throw noPreview();
      return asPublished(catalogue, record.article, number, contentOf(revision), now);
    },

    /** An article's links, newest first, with their status and never their token. */
    async list(ref: string, query: { limit: number; cursor?: string | undefined }): Promise<PreviewLinkPage> {
      const { article } = await editor.record(ref);
      const before = query.cursor ? decodeCursor(query.cursor, ['id'] as const)[0] : null;
      const rows = await repo.findPage(article.id, query.limit, before);
      const now = clock.now();
      return toPage(
        rows,
        query.limit,
        (row) => toPreviewLink(row, now),
        (last) => [last.id],
      );
    },

    /** Revoking is final and idempotent: a revoked link stays revoked, with its first revocation time. */
    async revoke(ref: string, id: number, actor: Actor): Promise<void> {
      const { article } = await editor.record(ref);
      const row = await repo.revoke(article.id, id, clock.now(), actor.name);
      if (!row) throw new NotFoundError(`The article has no preview link ${id}`);
    },
  };
}

export type PreviewsService = ReturnType<typeof createPreviewsService>;
