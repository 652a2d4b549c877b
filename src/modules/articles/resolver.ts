import { NotFoundError } from '../../errors.js';

/**
 * Which article a URL names. Every /v1/articles/{article} route takes the article's id, its
 * current slug, or a slug it had before, and this module alone decides what such a name means:
 * the repositories of both engines only find every article the name matches (namedBy chooses).
 */

/** The article a name was found for, with how the name matched it. */
export interface NamedArticle {
  id: string;
  slug: string;
  status: 'draft' | 'published' | 'archived';
  /** Whether readers may comment: the one setting a route needs before it acts on the article. */
  commentsOpen: boolean;
  /**
   * `id` and `slug` (the current one) name the article itself; `former` is a slug it had before.
   * An id is tried first, so a slug that happens to read like another article's id cannot take it over.
   */
  match: 'id' | 'slug' | 'former';
  /** For a former slug: whether readers were ever served the article under it (a draft's working slug never was). */
  wasPublic: boolean;
}

/**
 * The one query each engine answers: every article `name` matches, by id, current slug or former
 * slug, each with how it matched, in no particular order. Which one the name names is decided here.
 */
export interface ArticleNames {
  findAllByName(name: string): Promise<NamedArticle[]>;
}

const PRECEDENCE: readonly NamedArticle['match'][] = ['id', 'slug', 'former'];

/**
 * Of every article a name matches, the one it names: by id first, so a slug that reads like another
 * article's id cannot take it over; then by current slug; then by a slug an article had before.
 */
export function namedBy(matches: readonly NamedArticle[]): NamedArticle | undefined {
  for (const match of PRECEDENCE) {
    const found = matches.find((m) => m.match === match);
    if (found) return found;
  }
  return undefined;
}

/** What a reader's name leads to: the published article, or the current slug of one it used to name. */
export type PublicName = { article: NamedArticle; movedTo: null } | { article: NamedArticle; movedTo: string };

/** The 404 a reader gets for a name that leads to no published article: one wording wherever it is raised. */
export const readerNotFound = (name: string) => new NotFoundError(`No published article with id or slug "${name}"`);
/** The 404 an editor's route gets for a name that leads to no article at all. */
export const editorNotFound = (name: string) => new NotFoundError(`No article with id or slug "${name}"`);

export function createArticleResolver(names: ArticleNames) {
  return {
    /**
     * For editors, moderators and every write: any article, whatever its status, by id, current slug
     * or any slug it ever had. A former slug names the article directly; it is never redirected.
     */
    async editorial(name: string): Promise<NamedArticle> {
      const found = namedBy(await names.findAllByName(name));
      if (!found) throw editorNotFound(name);
      return found;
    },

    /**
     * For readers: a published article only, by id or current slug; a slug it was once published
     * under gives its current slug in `movedTo`. Anything else, a draft or an archived article by
     * any name, or a slug readers were never shown, answers the 404 an unknown name does.
     */
    async public(name: string): Promise<PublicName> {
      const found = namedBy(await names.findAllByName(name));
      if (!found || found.status !== 'published') throw readerNotFound(name);
      if (found.match !== 'former') return { article: found, movedTo: null };
      if (!found.wasPublic) throw readerNotFound(name);
      return { article: found, movedTo: found.slug };
    },
  };
}

export type ArticleResolver = ReturnType<typeof createArticleResolver>;

/**
 * The URL a reader is sent to for a former slug: the request's own path with the article segment
 * (/v1/articles/{article}/...) replaced by the current slug, the rest of the path and the query
 * kept. Always a path on this server, whatever form the request line took.
 */
export function movedUrl(requestUrl: string, slug: string): string {
  const { pathname, search } = new URL(requestUrl, 'http://localhost');
  // ['', 'v1', 'articles', '{article}', ...rest]
  const rest = pathname.split('/').slice(4);
  return `/v1/articles/${encodeURIComponent(slug)}${rest.map((part) => `/${part}`).join('')}${search}`;
}
