/**
 * An idempotency key's record and how it is stored, the same on both engines: the headers are
 * kept as a JSON text column, and a claim is a row whose status is PENDING until its answer is stored.
 */

/** A remembered request: pending while its first attempt runs, then the response it got. */
export interface IdempotencyRecord {
  requestHash: string;
  /** 0 while the first attempt is still running. */
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  createdAt: number;
}

export const PENDING = 0;

/** What a replay sends: the first attempt's status, the headers worth repeating, and its body. */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The idempotency_keys row of a first attempt's claim, pending until its answer is stored. */
export function claimRow(scope: string, key: string, requestHash: string, at: number) {
  return { scope, key, requestHash, statusCode: PENDING, headers: '{}', body: '', createdAt: at };
}

/** The columns that store a first attempt's answer. */
export function responseColumns(response: StoredResponse) {
  return { statusCode: response.statusCode, headers: JSON.stringify(response.headers), body: response.body };
}

/** A stored idempotency_keys row as the record it holds. */
export function recordOf(row: {
  requestHash: string;
  statusCode: number;
  headers: string;
  body: string;
  createdAt: number;
}): IdempotencyRecord {
  return {
    requestHash: row.requestHash,
    statusCode: row.statusCode,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    createdAt: row.createdAt,
  };
}
