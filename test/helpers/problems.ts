import { expect } from 'vitest';

/** The whole 409 problem body a request gets for a slug another article holds, on any route that would take it. */
export const slugTaken = (slug: string, instance: string) => ({
  type: expect.any(String),
  title: 'Conflict',
  status: 409,
  code: 'conflict',
  detail: `The slug "${slug}" belongs to another article`,
  slug,
  instance,
  request_id: expect.any(String),
});
