import { and, asc, count, eq, exists, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { toDomainError } from '../../db/errors.js';
import { articleTags, tags } from '../../db/schema.js';
import { ConflictError } from '../../errors.js';
import type { AppendAudit, AuditEntry } from '../audit/repository.js';
import { tagEvent } from '../events/catalogue.js';
import type { recordEvent } from '../events/outbox.js';
import type { reindexTag } from '../search/repository.js';

export type TagRow = typeof tags.$inferSelect & { articleCount: number };
export interface TagValues {
  slug: string;
  name: string;
  description: string | null;
}
type AuditFields = Omit<AuditEntry, 'at' | 'subjectType' | 'subjectId'>;

/**
 * What a tag change writes beside the tag, in its transaction: the audit entry, the search entries
 * of the articles that show the tag, and its event. Passed in by the store, so this module does not
 * depend on the audit, search and events modules.
 */
export interface TagWriters {
  appendAudit: AppendAudit;
  reindexTag: typeof reindexTag;
  recordEvent: typeof recordEvent;
}

export function createTagsRepository(db: Database, writers: TagWriters) {
  // article_tags holds only published articles' links, so counting them counts published articles.
  const articleCount = sql<number>`(select ${count()} from ${articleTags} where ${articleTags.tagId} = ${tags.id})`.as(
    'article_count',
  );
  // A tag is public once a published article carries it; a draft's new tag stays an editor's secret.
  const isPublic = exists(db.select({ one: sql`1` }).from(articleTags).where(eq(articleTags.tagId, tags.id)));
  return {
    async findMany(q: { limit: number; afterSlug: string | null; publicOnly: boolean }): Promise<TagRow[]> {
      return db
        .select({ ...tagColumns(), articleCount })
        .from(tags)
        .where(and(q.afterSlug === null ? undefined : gt(tags.slug, q.afterSlug), q.publicOnly ? isPublic : undefined))
        .orderBy(asc(tags.slug))
        .limit(q.limit + 1)
        .all();
    },
    async findBySlug(slug: string, { publicOnly }: { publicOnly: boolean }): Promise<TagRow | undefined> {
      return db
        .select({ ...tagColumns(), articleCount })
        .from(tags)
        .where(and(eq(tags.slug, slug), publicOnly ? isPublic : undefined))
        .get();
    },
    async insert(values: TagValues, at: number, audit: AuditFields): Promise<void> {
      try {
        db.transaction((tx) => {
          const { id } = tx
            .insert(tags)
            .values({ ...values, createdAt: at, updatedAt: at })
            .returning({ id: tags.id })
            .get();
          writers.appendAudit(tx, { ...audit, at, subjectType: 'tag', subjectId: values.slug, details: { ...values } });
          writers.recordEvent(tx, tagEvent('tag.created', { id, slug: values.slug, name: values.name }, at));
        });
      } catch (err) {
        throw toDomainError(err, 'tag');
      }
    },
    /** Articles link tags by id, so a new slug or name shows on every published article at once. */
    async update(slug: string, values: TagValues, at: number, audit: AuditFields): Promise<void> {
      try {
        db.transaction((tx) => {
          const updated = tx
            .update(tags)
            .set({ ...values, updatedAt: at })
            .where(eq(tags.slug, slug))
            .returning({ id: tags.id })
            .get();
          writers.reindexTag(tx, values.slug);
          writers.appendAudit(tx, { ...audit, at, subjectType: 'tag', subjectId: slug, details: { ...values } });
          if (updated) {
            // Readers see the change only while a published article carries the tag.
            const carried = tx.select({ one: sql`1` }).from(articleTags).where(eq(articleTags.tagId, updated.id)).get();
            writers.recordEvent(tx, {
              ...tagEvent(
                'tag.updated',
                { id: updated.id, slug: values.slug, name: values.name, previousSlug: slug },
                at,
              ),
              feed: carried ? 'upsert' : null,
            });
          }
        });
      } catch (err) {
        throw toDomainError(err, 'tag');
      }
    },
    /** Refuses while a published article shows the tag: removing it would change that article unannounced. */
    async delete(slug: string, at: number, audit: AuditFields): Promise<void> {
      db.transaction((tx) => {
        const inUse = tx
          .select({ n: count() })
          .from(articleTags)
          .innerJoin(tags, eq(tags.id, articleTags.tagId))
          .where(eq(tags.slug, slug))
          .get();
        if (inUse && inUse.n > 0) {
          throw new ConflictError(
            `The tag "${slug}" is on ${inUse.n} published article${inUse.n === 1 ? '' : 's'}: publish revisions without it first`,
            { article_count: inUse.n },
          );
        }
        const deleted = tx.delete(tags).where(eq(tags.slug, slug)).returning({ id: tags.id }).get();
        writers.appendAudit(tx, { ...audit, at, subjectType: 'tag', subjectId: slug });
        if (deleted) writers.recordEvent(tx, tagEvent('tag.deleted', { id: deleted.id, slug }, at));
      });
    },
  };
}

function tagColumns() {
  return {
    id: tags.id,
    slug: tags.slug,
    name: tags.name,
    description: tags.description,
    createdAt: tags.createdAt,
    updatedAt: tags.updatedAt,
  };
}

export type TagsRepository = ReturnType<typeof createTagsRepository>;
