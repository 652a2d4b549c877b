import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError, UnauthorizedError, UnavailableError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import type { TokenRow, TokensRepository } from './repository.js';
import type { Principal, Role, Token, TokenPage } from './schemas.js';

/** Who makes a token when no token is calling: the CLI, or a test's setup. */
export const CLI_ACTOR: Actor = { name: 'fjord cli', tokenId: null };

export const TOKEN_PREFIX = 'fjord_';
/** 32 random bytes: 256 bits, twice the 128 the threat model asks for. */
const TOKEN_PATTERN = /^fjord_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per token, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toToken(row: TokenRow): Token {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    created_at: new Date(row.createdAt).toISOString(),
    last_used_at: iso(row.lastUsedAt),
    revoked_at: iso(row.revokedAt),
  };
}

export function createTokensService({ repo, clock }: { repo: TokensRepository; clock: Clock }) {
  return {
    /** Creates a token; the secret is returned here once and never again. */
    async create(
      input: { name: string; role: Role },
      actor: Actor = CLI_ACTOR,
    ): Promise<{ token: Token; secret: string }> {
      const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const row = await repo.insert(
        {
          name: input.name,
          role: input.role,
          tokenHash: hashToken(secret),
          prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
          createdAt: clock.now(),
        },
        { actor: actor.name, action: 'token.create' },
      );
      return { token: toToken(row), secret };
    },

    async list(query: { limit: number; cursor?: string | undefined }): Promise<TokenPage> {
      const afterId = query.cursor ? decodeCursor(query.cursor, ['id'] as const)[0] : null;
      const rows = await repo.findMany({ limit: query.limit, afterId });
      return toPage(rows, query.limit, toToken, (last) => [last.id]);
    },

    /** Revoking is final and idempotent: a revoked token stays revoked, with its first revocation time. */
    async revoke(id: number, actor: Actor = CLI_ACTOR): Promise<Token> {
      const existing = await repo.findById(id);
      if (!existing) throw new NotFoundError(`No token with id ${id}`);
      if (existing.revokedAt !== null) return toToken(existing);
      const row = await repo.revoke(id, clock.now(), { actor: actor.name, action: 'token.revoke' });
      if (!row) throw new NotFoundError(`No token with id ${id}`);
      return toToken(row);
    },

    /** Resolves an Authorization header to a principal, or throws 401 with the reason. */
    async authenticate(header: string): Promise<Principal> {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1]) throw new UnauthorizedError('The Authorization header must be "Bearer <token>"');
      const secret = match[1];
      if (!TOKEN_PATTERN.test(secret)) throw new UnauthorizedError('The bearer token is malformed');
      const hash = hashToken(secret);
      const row = await repo.findByHash(hash);
      // The lookup is by hash, so timing reveals nothing of the secret; the comparison is constant-time anyway.
      if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) {
        throw new UnauthorizedError('The bearer token is not known');
      }
      if (row.revokedAt !== null) throw new UnauthorizedError('The bearer token has been revoked');
      const now = clock.now();
      if (row.lastUsedAt === null || now - row.lastUsedAt >= TOUCH_INTERVAL_MS) {
        try {
          await repo.touch(row.id, now);
        } catch (err) {
          // Bookkeeping, not the request: while another process writes, a later request records the use.
          if (!(err instanceof UnavailableError)) throw err;
        }
      }
      return { tokenId: row.id, name: row.name, role: row.role };
    },
  };
}

export type TokensService = ReturnType<typeof createTokensService>;
