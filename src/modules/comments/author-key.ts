import { createHash, randomBytes } from 'node:crypto';

/**
 * An author key is the reader's proof of authorship, kept by their client as WordPress keeps its
 * comment cookie. An e-mail address is no proof: others know it. The key holds 256 random bits, so
 * an unkeyed SHA-256 cannot be reversed (as with API tokens); a hash under IP_HASH_KEY would forget
 * every author whenever that key is left to its per-process default.
 */
export function newAuthorKey(): string {
  return randomBytes(32).toString('base64url');
}

export function hashAuthorKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
