import { ValidationError } from '../../errors.js';
import { slugify } from '../../shared/slug.js';
import type { ArticlesRepository } from './repository.js';
import type { ArticleContent, CreditInput } from './schemas.js';

/** Turns content as editors send it (tags by name, credits by id or by value) into snapshot values. */
export function createContentResolver(repo: Pick<ArticlesRepository, 'findTagNames' | 'findCredit'>) {
  /** Tags named by slug or by name become {slug, name}, keeping a catalogue tag's own name. */
  async function resolveTags(names: string[]): Promise<ArticleContent['tags']> {
    const wanted = new Map<string, string>();
    names.forEach((name, i) => {
      const slug = slugify(name);
      if (!slug)
        throw new ValidationError('Invalid body: tags', [
          { in: 'body', path: `tags.${i}`, message: 'must contain a letter or digit' },
        ]);
      if (!wanted.has(slug)) wanted.set(slug, name);
    });
    const known = await repo.findTagNames([...wanted.keys()]);
    return [...wanted].map(([slug, name]) => ({ slug, name: known.get(slug) ?? name }));
  }

  async function resolveCredits(inputs: CreditInput[]): Promise<ArticleContent['credits']> {
    const resolved: ArticleContent['credits'] = [];
    for (const [i, input] of inputs.entries()) {
      if ('credit_id' in input) {
        const credit = await repo.findCredit(input.credit_id);
        if (!credit) {
          throw new ValidationError('Invalid body: credits', [
            { in: 'body', path: `credits.${i}.credit_id`, message: `no credit has id ${input.credit_id}` },
          ]);
        }
        resolved.push({
          credit_id: credit.id,
          role: input.role,
          name: credit.name,
          organization: credit.organization,
          url: credit.url,
          license: credit.license,
        });
      } else {
        resolved.push({
          credit_id: null,
          role: input.role,
          name: input.name,
          organization: input.organization ?? null,
          url: input.url ?? null,
          license: input.license ?? null,
        });
      }
    }
    return resolved;
  }

  return { resolveTags, resolveCredits };
}

export type ContentResolver = ReturnType<typeof createContentResolver>;
