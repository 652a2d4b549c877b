import { randomUUID } from 'node:crypto';
import type supertest from 'supertest';

type Api = ReturnType<typeof supertest>;

import { sql } from 'drizzle-orm';
import type { Services } from '../../../src/app.js';
import type { CreateCommentBody } from '../../../src/modules/comments/schemas.js';
import type { Probe } from '../../helpers/engine.js';

let counter = 0;

/** A fresh client address per comment (apps under test trust X-Forwarded-For), so flood limits stay out of the way. */
export function uniqueIp(): string {
  counter += 1;
  return `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`;
}

export function commentInput(overrides: Partial<CreateCommentBody> = {}): CreateCommentBody {
  const unique = randomUUID().slice(0, 8);
  return {
    author_name: `Reader ${unique}`,
    author_email: `reader-${unique}@example.com`,
    body: `A thoughtful comment ${unique}.`,
    ...overrides,
  };
}

export function postComment(api: Api, slug: string, overrides: Partial<CreateCommentBody> = {}, ip = uniqueIp()) {
  return api.post(`/v1/articles/${slug}/comments`).set('x-forwarded-for', ip).send(commentInput(overrides));
}

/** The newest comment's id: receipts name no comment, so tests find what they posted here. */
export async function lastCommentId(probe: Probe): Promise<number> {
  const [row] = await probe.rows<{ id: number | null }>(sql`select max(id) as id from comments`);
  if (!row || row.id === null) throw new Error('no comment stored');
  return row.id;
}

/** Posts a comment and approves it as a moderator would; returns its id. */
export async function approvedComment(
  api: Api,
  services: Services,
  probe: Probe,
  slug: string,
  overrides: Partial<CreateCommentBody> = {},
): Promise<number> {
  const res = await postComment(api, slug, overrides);
  if (res.status !== 202) throw new Error(`comment refused: ${res.status} ${JSON.stringify(res.body)}`);
  const id = await lastCommentId(probe);
  await services.moderation.moderate(id, { status: 'approved' }, 'test-moderator');
  return id;
}
