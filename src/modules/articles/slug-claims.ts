/**
 * Which of an article's slug claims (its article_slugs rows) still hold, the same on both engines.
 * A slug readers were ever served (public_at set) is the article's for good: it redirects, and
 * giving it to another article would send old links there. A working slug no reader saw (a draft's,
 * or a published article's pending rename) is held only while something still uses it; once the
 * article has moved away from it, another article may take it, as in Ghost or WordPress.
 */

/** What may still use an article's working slugs. */
export interface SlugHolders {
  /** The head revision's slug: editors name the article by it, and publishing the head takes it. */
  head: string;
  /** articles.slug, unique among articles: a slug released while it held it could not be taken anyway. */
  current: string;
  /** The published revision's slug, null when nothing is published. */
  published: string | null;
  /** The slug a pending schedule would publish under; null when none is pending (a failed one never publishes). */
  scheduled: string | null;
}

export interface SlugClaim {
  slug: string;
  publicAt: number | null;
}

/**
 * The claims to release: never public, and used by none of the holders. Restoring or publishing an
 * older revision whose slug was released claims it again, and is refused with a 409 if another
 * article took it meanwhile.
 */
export function releasableSlugs(claims: readonly SlugClaim[], holders: SlugHolders): string[] {
  const held = new Set([holders.head, holders.current, holders.published, holders.scheduled]);
  return claims.filter((c) => c.publicAt === null && !held.has(c.slug)).map((c) => c.slug);
}
