/** Who performs a write: a token's name, or a tool such as the seeder or the CLI. */
export interface Actor {
  name: string;
  tokenId: number | null;
}
