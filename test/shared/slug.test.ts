import { describe, expect, it } from 'vitest';
import { SLUG_LIMIT, slugify, uniqueSlug } from '../../src/shared/slug.js';

describe('slugify', () => {
  it.each([
    [
      'OpenAI choisit-elle la Norvège pour renforcer ou contourner la souveraineté numérique européenne\u202f?',
      'openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne',
    ],
    ['L’été à Ærøskøbing', 'l-ete-a-aeroskobing'],
    ['  --Hello,   World!!  ', 'hello-world'],
    ['Straße & Œuvre', 'strasse-oeuvre'],
    ['100 000 GPU Nvidia', '100-000-gpu-nvidia'],
    ['日本語', ''],
  ])('%s -> %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('cuts long titles at a word boundary', () => {
    const slug = slugify('word '.repeat(100));
    expect(slug.length).toBeLessThanOrEqual(120);
    expect(slug).toMatch(/^word(-word)+$/);
  });
});

describe('uniqueSlug', () => {
  it('adds -2, -3... on collision', () => {
    const taken = new Set(['a', 'a-2']);
    expect(uniqueSlug('a', (s) => taken.has(s))).toBe('a-3');
    expect(uniqueSlug('b', (s) => taken.has(s))).toBe('b');
  });

  it('stays within the slug limit when the base is already as long as it may be', () => {
    const base = `${'a'.repeat(198)}-b`;
    const slug = uniqueSlug(base, (s) => s === base);
    expect(slug).toBe(`${'a'.repeat(198)}-2`);
    expect(slug).toHaveLength(SLUG_LIMIT);
  });
});
