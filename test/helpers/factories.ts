import { randomUUID } from 'node:crypto';
import type { Services } from '../../src/app.js';
import type { CreateArticleInput } from '../../src/modules/articles/schemas.js';
import type { Role } from '../../src/modules/tokens/schemas.js';

export const TEST_ACTOR = { name: 'test', tokenId: null };

/** Content with a unique title, so tests never collide with each other's rows. */
export function articleInput(overrides: Partial<CreateArticleInput> = {}): CreateArticleInput {
  const unique = randomUUID().slice(0, 8);
  return {
    title: `Test article ${unique}`,
    lang: 'en',
    standfirst: `Standfirst ${unique}`,
    body: `First paragraph ${unique}.\n\nSecond paragraph.`,
    tags: [],
    ...overrides,
  };
}

export async function createDraftArticle(services: Services, overrides: Partial<CreateArticleInput> = {}) {
  return services.articles.create(articleInput(overrides), TEST_ACTOR);
}

export async function createPublishedArticle(
  services: Services,
  overrides: Partial<CreateArticleInput> = {},
  publishedAt?: number,
) {
  const draft = await createDraftArticle(services, overrides);
  // A past `publishedAt` publishes now with that date; a future one schedules.
  const at = publishedAt === undefined ? {} : { at: new Date(publishedAt).toISOString() };
  return services.publishing.publish(draft.id, at, TEST_ACTOR);
}

/** A token's secret for the role, ready for an Authorization header. */
export async function createToken(services: Services, role: Role, name = `${role}-${randomUUID().slice(0, 6)}`) {
  const { secret } = await services.tokens.create({ name, role });
  return { name, secret, header: `Bearer ${secret}` };
}
