import { BadRequestError } from '../../errors.js';

/**
 * An editor's ETag names the head revision (`"r7.<hash>"`), so If-Match can stand in for
 * base_revision: the client sends back the tag of the version it edited.
 */
export const editorEtagPrefix = (revision: number) => `r${revision}.`;

export function baseFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"r(\d+)\.[^"]*"\s*$/.exec(header);
  if (!match?.[1]) {
    throw new BadRequestError('If-Match must be one ETag of this article, as GET /v1/articles/{id} returns it', [
      { in: 'headers', path: 'if-match', message: 'is not an article ETag' },
    ]);
  }
  return Number(match[1]);
}
