import { describe, expect, it } from 'vitest';
import { revisionAudit, revisionRow, slugPlan } from '../../../src/modules/articles/revisions/revision-rows.js';
import type { ArticleContent } from '../../../src/modules/articles/schemas.js';

const content: ArticleContent = {
  title: 'Title',
  slug: 'title',
  standfirst: null,
  body: 'Body',
  tags: [],
  credits: [],
  hero_image: null,
  source: null,
  ai_generated: false,
};

const draft = { publishedRevision: null };
const published = { publishedRevision: 3 };

describe('slugPlan', () => {
  it('claims a new slug of an unpublished article and moves articles.slug with it', () => {
    expect(slugPlan(draft, 'old', 'new')).toEqual({ slugs: 'claim', moveArticleSlug: true });
  });

  it('claims a new slug of a published article for editors, and keeps its public slug', () => {
    expect(slugPlan(published, 'old', 'new')).toEqual({ slugs: 'claim', moveArticleSlug: false });
  });

  it('claims nothing for an unchanged slug', () => {
    expect(slugPlan(draft, 'same', 'same')).toEqual({ slugs: 'none', moveArticleSlug: true });
    expect(slugPlan(published, 'same', 'same')).toEqual({ slugs: 'none', moveArticleSlug: false });
  });
});

describe('revisionRow', () => {
  const command = { articleId: 'a1', number: 4, content, message: 'm', author: 'ed', authorTokenId: 7, at: 1000 };

  it('stores the content as a JSON snapshot, with the fields the revision changed', () => {
    const row = revisionRow({ ...command, changedFields: ['title'], mergedOnto: 3 });
    expect(row).toEqual({
      articleId: 'a1',
      number: 4,
      snapshot: JSON.stringify(content),
      changedFields: '["title"]',
      message: 'm',
      author: 'ed',
      authorTokenId: 7,
      mergedOnto: 3,
      createdAt: 1000,
    });
    expect(JSON.parse(row.snapshot)).toEqual(content);
  });

  it('counts every field of a first revision as changed, merged onto nothing', () => {
    const row = revisionRow(command);
    expect(JSON.parse(row.changedFields)).toEqual(Object.keys(content));
    expect(row.mergedOnto).toBeNull();
  });
});

describe('revisionAudit', () => {
  it("adds the revision's number to the command's audit details, about the article", () => {
    const audit = { actor: 'ed', action: 'article.revise', subjectType: 'article', details: { base_revision: 2 } };
    expect(revisionAudit({ articleId: 'a1', at: 1000 }, audit, 4)).toEqual({
      actor: 'ed',
      action: 'article.revise',
      subjectType: 'article',
      details: { base_revision: 2, revision: 4 },
      at: 1000,
      articleId: 'a1',
      subjectId: 'a1',
    });
  });
});
