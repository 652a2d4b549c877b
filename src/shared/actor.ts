/** Who performs a write: a token's name, or a tool such as the seeder or the CLI. */
export interface Actor {
  name: string;
  tokenId: number | null;
}

/** The roles a token may have; admin may do everything editors and moderators may. */
export const ROLES = ['admin', 'editor', 'moderator'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the token's identity, never its secret. */
export interface Principal {
  tokenId: number;
  name: string;
  role: Role;
}
