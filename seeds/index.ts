import type { PublishingService } from '../src/modules/articles/publishing/publishing-service.js';
import type { ArticlesService } from '../src/modules/articles/service.js';
import { STARGATE_NORWAY_PUBLISHED_AT, stargateNorway } from './stargate-norway.js';

export interface SeedContext {
  articles: ArticlesService;
  publishing: PublishingService;
}

const SEEDER = { name: 'fjord seed', tokenId: null };

/**
 * Seeds an empty database with the demo content, through the same service calls as any editor's
 * article (revision 1, then published). A database that holds any article is left untouched, so a
 * restart never duplicates or overwrites content. Returns the slugs it created.
 */
export async function seed({ articles, publishing }: SeedContext): Promise<string[]> {
  if (await articles.any()) return [];
  const article = await articles.create(stargateNorway, SEEDER, 'Imported from the source page');
  // A past `at` publishes now with that publication date.
  await publishing.publish(article.id, { at: STARGATE_NORWAY_PUBLISHED_AT }, SEEDER);
  return [article.slug];
}
