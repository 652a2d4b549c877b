import { NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Audience } from '../../shared/audience.js';
import { type ChangeFeed, SurrogateKeys } from '../../shared/changes.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import { slugify } from '../../shared/slug.js';
import type { TagRow, TagsRepository } from './repository.js';
import type { CreateTagBody, ListTagsQuery, Tag, TagPage, UpdateTagBody } from './schemas.js';

export function toTag(row: TagRow): Tag {
  return { slug: row.slug, name: row.name, description: row.description, article_count: row.articleCount };
}

export function createTagsService({
  repo,
  clock,
  changes,
}: {
  repo: TagsRepository;
  clock: Clock;
  changes: ChangeFeed;
}) {
  /** A tag's name shows on its page, in every list and on every article that carries it. */
  const changedTag = (slug: string) => [SurrogateKeys.tags, SurrogateKeys.tag(slug), SurrogateKeys.articles];

  /** The public sees only tags a published article carries; any other answers as if it did not exist. */
  async function get(slug: string, audience: Audience = 'editor'): Promise<Tag> {
    const row = await repo.findBySlug(slug, { publicOnly: audience === 'public' });
    if (!row) throw new NotFoundError(`No tag with slug "${slug}"`);
    return toTag(row);
  }

  return {
    get,

    async create(body: CreateTagBody, actor: Actor): Promise<Tag> {
      const slug = body.slug ?? slugify(body.name);
      if (!slug) {
        throw new ValidationError('Invalid body: slug', [
          { in: 'body', path: 'slug', message: 'the name gives no slug; send one' },
        ]);
      }
      await repo.insert({ slug, name: body.name, description: body.description ?? null }, clock.now(), {
        actor: actor.name,
        action: 'tag.create',
      });
      changes.emit([SurrogateKeys.tags]);
      return get(slug);
    },

    async update(slug: string, body: UpdateTagBody, actor: Actor): Promise<Tag> {
      const current = await get(slug);
      const values = {
        slug: body.slug ?? current.slug,
        name: body.name ?? current.name,
        description: body.description === undefined ? current.description : body.description,
      };
      await repo.update(slug, values, clock.now(), { actor: actor.name, action: 'tag.update' });
      changes.emit(changedTag(slug));
      return get(values.slug);
    },

    /** Published articles lose the tag; revisions keep it, since they hold tags by value. */
    async remove(slug: string, actor: Actor): Promise<void> {
      await get(slug);
      await repo.delete(slug, clock.now(), { actor: actor.name, action: 'tag.delete' });
      changes.emit(changedTag(slug));
    },

    async list(query: ListTagsQuery, audience: Audience): Promise<TagPage> {
      const afterSlug = query.cursor ? decodeCursor(query.cursor, ['string'] as const)[0] : null;
      const rows = await repo.findMany({ limit: query.limit, afterSlug, publicOnly: audience === 'public' });
      return toPage(rows, query.limit, toTag, (last) => [last.slug]);
    },
  };
}

export type TagsService = ReturnType<typeof createTagsService>;
