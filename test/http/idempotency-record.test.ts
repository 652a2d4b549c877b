import { describe, expect, it } from 'vitest';
import { claimRow, PENDING, recordOf, responseColumns } from '../../src/http/idempotency-record.js';

describe('idempotency records', () => {
  it('stores a claim as pending, with no answer yet', () => {
    expect(claimRow('s', 'k', 'hash', 1000)).toEqual({
      scope: 's',
      key: 'k',
      requestHash: 'hash',
      statusCode: PENDING,
      headers: '{}',
      body: '',
      createdAt: 1000,
    });
  });

  it('reads back the answer it stored', () => {
    const response = { statusCode: 201, headers: { location: '/x', etag: '"1"' }, body: '{"id":1}' };
    const row = { ...claimRow('s', 'k', 'hash', 1000), ...responseColumns(response) };
    expect(recordOf(row)).toEqual({ requestHash: 'hash', createdAt: 1000, ...response });
  });

  it('reads a pending claim as pending, with no headers', () => {
    expect(recordOf(claimRow('s', 'k', 'hash', 1000))).toEqual({
      requestHash: 'hash',
      statusCode: PENDING,
      headers: {},
      body: '',
      createdAt: 1000,
    });
  });
});
