import { describe, expect, it } from 'vitest';
import type { CommentRow, Status } from '../../../src/modules/comments/repository.js';
import { planStatusChange } from '../../../src/modules/comments/status-change.js';

const row = (id: number, articleId: string, status: Status): CommentRow => ({
  id,
  articleId,
  parentId: null,
  depth: 0,
  authorName: 'Ada',
  authorEmail: 'ada@example.org',
  ipHash: null,
  authorKeyHash: null,
  body: 'Bonjour',
  status,
  spamReasons: '[]',
  erasedAt: null,
  createdAt: 1,
  updatedAt: 1,
});

describe('planStatusChange', () => {
  const pending = row(1, 'art-a', 'pending');
  const approved = row(2, 'art-b', 'approved');
  const spam = row(3, 'art-a', 'spam');

  it('answers every id in the order asked, whatever order the rows were read in', () => {
    const { results, changed } = planStatusChange({ ids: [3, 99, 2, 1], to: 'approved' }, [pending, approved, spam]);
    expect(results).toEqual([
      { id: 3, articleId: 'art-a', from: 'spam', to: 'approved', changed: true },
      { id: 99, articleId: null, from: null, to: null, changed: false },
      { id: 2, articleId: 'art-b', from: 'approved', to: 'approved', changed: false },
      { id: 1, articleId: 'art-a', from: 'pending', to: 'approved', changed: true },
    ]);
    // Only the rows that move are written, logged and recounted, in the order asked.
    expect(changed).toEqual([spam, pending]);
  });

  it('changes nothing when every comment already has the status or does not exist', () => {
    const { results, changed } = planStatusChange({ ids: [2, 7], to: 'approved' }, [approved]);
    expect(changed).toEqual([]);
    expect(results.map((r) => r.changed)).toEqual([false, false]);
  });

  it('ignores rows that were read but not asked for', () => {
    const { results, changed } = planStatusChange({ ids: [1], to: 'rejected' }, [pending, approved]);
    expect(results).toEqual([{ id: 1, articleId: 'art-a', from: 'pending', to: 'rejected', changed: true }]);
    expect(changed).toEqual([pending]);
  });
});
