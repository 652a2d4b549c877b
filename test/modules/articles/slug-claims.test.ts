import { describe, expect, it } from 'vitest';
import { releasableSlugs, type SlugHolders } from '../../../src/modules/articles/slug-claims.js';

const draft: SlugHolders = { head: 'now', current: 'now', published: null, scheduled: null };
const working = (slug: string) => ({ slug, publicAt: null });
const shown = (slug: string) => ({ slug, publicAt: 1_000 });

describe('releasableSlugs', () => {
  it('releases the working slugs a draft moved away from, and keeps its head slug', () => {
    expect(releasableSlugs([working('first'), working('second'), working('now')], draft)).toEqual(['first', 'second']);
  });

  it('never releases a slug readers were served, whatever holds it', () => {
    expect(releasableSlugs([shown('old-public'), working('now')], draft)).toEqual([]);
  });

  it('keeps what each holder uses: articles.slug, the published revision, a pending schedule', () => {
    const holders: SlugHolders = { head: 'head', current: 'kept-row', published: 'live', scheduled: 'soon' };
    const claims = ['head', 'kept-row', 'live', 'soon', 'left'].map(working);
    expect(releasableSlugs(claims, holders)).toEqual(['left']);
  });

  it('releases nothing when the article holds only what it uses', () => {
    expect(releasableSlugs([working('now')], draft)).toEqual([]);
    expect(releasableSlugs([], draft)).toEqual([]);
  });
});
