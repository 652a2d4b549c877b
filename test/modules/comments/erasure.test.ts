import { describe, expect, it } from 'vitest';
import { erasedColumns, erasureLogEntry } from '../../../src/modules/comments/erasure.js';

const erasure = { id: 9, authorName: '[deleted]', body: '', actor: 'admin', note: 'personal data erased', at: 1000 };

describe('erasedColumns', () => {
  it("blanks every column that holds or identifies the author's personal data", () => {
    expect(erasedColumns(erasure)).toEqual({
      authorName: '[deleted]',
      authorEmail: null,
      ipHash: null,
      authorKeyHash: null,
      body: '',
      erasedAt: 1000,
      updatedAt: 1000,
    });
  });
});

describe('erasureLogEntry', () => {
  it('logs the erasure as a change that leaves the status as it was', () => {
    expect(erasureLogEntry(erasure, 'approved')).toEqual({
      commentId: 9,
      actor: 'admin',
      fromStatus: 'approved',
      toStatus: 'approved',
      note: 'personal data erased',
      at: 1000,
    });
  });
});
