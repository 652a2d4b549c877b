import { firstPublishedAt, publishedColumns } from '../articles/publishing/read-model.js';
import type { ArticleRow, ArticlesRepository, CreditLink, TagLink } from '../articles/repository.js';
import type { ArticleContent, PublicArticle } from '../articles/schemas.js';
import { toPublicArticle } from '../articles/service.js';
import { bodyHtmlOf } from '../articles/views.js';

/** Where the catalogue's current names come from, as a publication's tag and credit links show them. */
export type CatalogueReader = Pick<ArticlesRepository, 'findTagNames' | 'findCredit'>;

/**
 * A publication links tags by slug, keeping a catalogue tag's own name, and credits by id, showing
 * the catalogue's current values: a preview shows them the same way.
 */
async function tagsOf(catalogue: CatalogueReader, content: ArticleContent): Promise<TagLink[]> {
  const names = await catalogue.findTagNames(content.tags.map((t) => t.slug));
  return content.tags.map((t) => ({ slug: t.slug, name: names.get(t.slug) ?? t.name }));
}

/**
 * A credit the catalogue no longer has is shown with the snapshot's values and id: publishing would
 * make it anew under an id that does not exist yet.
 */
async function creditsOf(catalogue: CatalogueReader, content: ArticleContent): Promise<CreditLink[]> {
  return Promise.all(
    content.credits.map(async (c) => {
      const row = c.credit_id === null ? undefined : await catalogue.findCredit(c.credit_id);
      const values = row ?? { ...c, id: c.credit_id ?? 0 };
      return {
        id: values.id,
        role: c.role,
        name: values.name,
        organization: values.organization,
        url: values.url,
        license: values.license,
      };
    }),
  );
}

/**
 * The article as publishing revision `revision` now would serve it: the read-model columns a
 * publication writes (publishedColumns, with the body rendered by the same renderer), mapped by the
 * public API's own function. Only what a publication decides when it happens differs from a later
 * publication: `published_at` (the first publication's date, or now) and `updated_at` (now).
 */
export async function asPublished(
  catalogue: CatalogueReader,
  article: ArticleRow,
  revision: number,
  content: ArticleContent,
  now: number,
): Promise<PublicArticle> {
  const columns = publishedColumns(content, {
    revision,
    publishedAt: firstPublishedAt(article, now),
    bodyHtml: bodyHtmlOf(content),
    at: now,
  });
  const [tags, credits] = await Promise.all([tagsOf(catalogue, content), creditsOf(catalogue, content)]);
  return toPublicArticle({ ...article, ...columns }, tags, credits);
}
