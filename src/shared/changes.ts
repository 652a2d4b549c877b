/**
 * What changed, named by surrogate keys: services announce the keys their writes touch, and
 * caches drop what they hold under those keys. The same names go out in Surrogate-Key headers,
 * so a CDN can purge exactly what this server purges.
 *
 * - `articles`: every list and search page of articles
 * - `article:<id>`: one article's public response
 * - `comments:<articleId>`: an article's public comment pages
 * - `tags`, `tag:<slug>`: tag pages and counts; every article response that shows the tag
 * - `credits`, `credit:<id>`: credit pages and counts; every article response that shows the credit
 */
export const SurrogateKeys = {
  articles: 'articles',
  article: (id: string) => `article:${id}`,
  comments: (articleId: string) => `comments:${articleId}`,
  tags: 'tags',
  tag: (slug: string) => `tag:${slug}`,
  credits: 'credits',
  credit: (id: number) => `credit:${id}`,
} as const;

export type ChangeListener = (keys: readonly string[]) => void;

export interface ChangeFeed {
  /** Announces a committed write; listeners run synchronously, before the write is acknowledged. */
  emit(keys: readonly string[]): void;
  subscribe(listener: ChangeListener): () => void;
}

export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  return {
    emit(keys) {
      if (keys.length === 0) return;
      for (const listener of listeners) listener(keys);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What publishing, unpublishing or archiving an article changes. */
export function publicationKeys(articleId: string): string[] {
  return [SurrogateKeys.articles, SurrogateKeys.article(articleId), SurrogateKeys.tags, SurrogateKeys.credits];
}

/** What a change to an article's approved comments touches: its thread, its comment_count, every teaser. */
export function commentKeys(articleId: string): string[] {
  return [SurrogateKeys.comments(articleId), SurrogateKeys.article(articleId), SurrogateKeys.articles];
}

/** What another process changed: the surrogate keys it named, or everything when they are unknown. */
export type ForeignChange = readonly string[] | 'all';

/**
 * How the response cache of this process stays true to writes made by other processes (a second
 * node, the CLI): SQLite notices them before each request (`check`), PostgreSQL hears them (`subscribe`).
 */
export interface ForeignChanges {
  /** Before each API request: what other processes changed since the last call, or null. */
  check?: () => ForeignChange | null;
  /** Calls `listener` with each change another process announces. */
  subscribe(listener: (change: ForeignChange) => void): () => void;
  /** Announces this process's committed change to the others. */
  publish(keys: readonly string[]): void;
}
