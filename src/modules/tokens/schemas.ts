import { z } from 'zod';
import { ROLES } from '../../shared/actor.js';
import { nameText, PaginationQuerySchema, page, TimestampSchema } from '../../shared/schemas.js';

export { type Principal, ROLES, type Role } from '../../shared/actor.js';

export const RoleSchema = z
  .enum(ROLES)
  .meta({ id: 'Role', description: 'admin may do everything editors and moderators may' });

export const TokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: RoleSchema,
    prefix: z.string().meta({ description: 'The first characters of the secret, to tell tokens apart' }),
    created_at: TimestampSchema,
    last_used_at: TimestampSchema.nullable(),
    revoked_at: TimestampSchema.nullable(),
  })
  .meta({ id: 'Token' });
export type Token = z.infer<typeof TokenSchema>;

export const TokenPageSchema = page(TokenSchema, 'TokenPage');
export type TokenPage = z.infer<typeof TokenPageSchema>;

export const ListTokensQuerySchema = PaginationQuerySchema;

export const CreateTokenBodySchema = z
  .object({
    name: nameText().trim().min(1).max(100).meta({ description: 'Who or what uses the token; shown as the author' }),
    role: RoleSchema,
  })
  .strict()
  .meta({ id: 'CreateToken' });

export const CreatedTokenSchema = TokenSchema.extend({
  secret: z.string().meta({ description: 'The bearer token. Shown this once: only its hash is stored' }),
}).meta({ id: 'CreatedToken' });
