import { describe, expect, it } from 'vitest';
import { SLUG_LIMIT, SLUG_MAX_LENGTH, slugCandidates, slugify, uniqueSlug } from '../../src/shared/slug.js';

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
    // Letters that decomposition leaves whole are spelled out, upper case too.
    ['Łódź Đoković', 'lodz-dokovic'],
    ['Guðrún Þórsdóttir', 'gudrun-thorsdottir'],
    ['Kırıkkale İzmir', 'kirikkale-izmir'],
    ['ÆØ œß', 'aeo-oess'],
    // Compatibility characters become the letters they stand for.
    ['ﬁnance ²', 'finance-2'],
  ])('%s -> %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('cuts long titles at a word boundary', () => {
    const slug = slugify('word '.repeat(100));
    expect(slug.length).toBeLessThanOrEqual(120);
    expect(slug).toMatch(/^word(-word)+$/);
  });

  it('keeps a slug of exactly the maximum length whole', () => {
    const title = `${'a'.repeat(60)} ${'b'.repeat(59)}`;
    expect(slugify(title)).toBe(`${'a'.repeat(60)}-${'b'.repeat(59)}`);
    expect(slugify(title)).toHaveLength(SLUG_MAX_LENGTH);
  });

  it('keeps a word that ends exactly at the maximum length', () => {
    const kept = `${'a'.repeat(115)}-bcde`;
    expect(slugify(`${kept} fin`)).toBe(kept);
  });

  it('cuts before a word that would cross the maximum length, not inside it', () => {
    expect(slugify(`${'a'.repeat(100)} ${'b'.repeat(30)}`)).toBe('a'.repeat(100));
  });

  it('cuts a title without a word boundary at the maximum length', () => {
    expect(slugify('x'.repeat(300))).toBe('x'.repeat(SLUG_MAX_LENGTH));
  });
});

describe('slugCandidates', () => {
  const first = (base: string, n: number) => {
    const out: string[] = [];
    for (const candidate of slugCandidates(base)) {
      out.push(candidate);
      if (out.length === n) break;
    }
    return out;
  };

  it('offers the base, then -2, -3 and on', () => {
    expect(first('norvege', 4)).toEqual(['norvege', 'norvege-2', 'norvege-3', 'norvege-4']);
    expect(first('data-center', 2)).toEqual(['data-center', 'data-center-2']);
  });

  it('never leaves a dash before the suffix where shortening the base ends on one', () => {
    const base = `${'a'.repeat(197)}-bc`;
    expect(base).toHaveLength(SLUG_LIMIT);
    expect(first(base, 2)).toEqual([base, `${'a'.repeat(197)}-2`]);
    // Dashes inside the part kept stay.
    expect(first(`ab-${'c'.repeat(197)}`, 2)[1]).toBe(`ab-${'c'.repeat(195)}-2`);
  });

  it('shortens the base further when the suffix grows', () => {
    const base = 'a'.repeat(SLUG_LIMIT);
    const candidates = first(base, 10);
    expect(candidates[9]).toBe(`${'a'.repeat(SLUG_LIMIT - 3)}-10`);
    for (const candidate of candidates) expect(candidate.length).toBeLessThanOrEqual(SLUG_LIMIT);
  });
});

describe('uniqueSlug', () => {
  it('adds -2, -3... on collision', () => {
    const taken = new Set(['a', 'a-2']);
    expect(uniqueSlug('a', (s) => taken.has(s))).toBe('a-3');
    expect(uniqueSlug('b', (s) => taken.has(s))).toBe('b');
  });

  it('never gives a slug with the shape of an id, which URLs would read as one', () => {
    const id = '0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b';
    expect(uniqueSlug(id, () => false)).toBe(`${id}-2`);
    expect(uniqueSlug(id, (s) => s === `${id}-2`)).toBe(`${id}-3`);
  });

  it('stays within the slug limit when the base is already as long as it may be', () => {
    const base = `${'a'.repeat(198)}-b`;
    const slug = uniqueSlug(base, (s) => s === base);
    expect(slug).toBe(`${'a'.repeat(198)}-2`);
    expect(slug).toHaveLength(SLUG_LIMIT);
  });
});
