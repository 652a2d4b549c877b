import { describe, expect, it } from 'vitest';
import { firstPublishedAt } from '../../../src/modules/articles/publishing/read-model.js';

describe('firstPublishedAt', () => {
  it('keeps the date of the first publication when a later revision is published', () => {
    expect(firstPublishedAt({ publishedAt: 100 }, 500)).toBe(100);
  });

  it('dates a first publication at the time it is made', () => {
    expect(firstPublishedAt({ publishedAt: null }, 500)).toBe(500);
  });
});
