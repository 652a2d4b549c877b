import { and, asc, count, eq, exists, gt, sql } from 'drizzle-orm';
import { toDomainError } from '../../db/errors.js';
import type { PgDatabase } from '../../db/pg/client.js';
import { articleTags, tags } from '../../db/pg/schema.js';
import { withLockingTransaction, withTransaction } from '../../db/pg/tx.js';
import { ConflictError } from '../../errors.js';
import type { appendAudit } from '../audit/repository.pg.js';
import { tagEvent } from '../events/catalogue.js';
import type { lockOutbox, recordEvent } from '../events/outbox.pg.js';
import type { reindexTag } from '../search/repository.pg.js';
import type { TagRow, TagsRepository } from './repository.js';

/**
 * What a tag change writes beside the tag, in its transaction: the audit entry, and the search
 * entries of the articles that show the tag. Passed in by the store, so this module does not
 * depend on the audit and search modules.
 */
export interface PgTagWriters {
  appendAudit: typeof appendAudit;
  reindexTag: typeof reindexTag;
  recordEvent: typeof recordEvent;
  lockOutbox: typeof lockOutbox;
}

export function createPgTagsRepository(db: PgDatabase, writers: PgTagWriters): TagsRepository {
  // article_tags holds only published articles' links, so counting them counts published articles.
  const articleCount = sql<number>`(select ${count()} from ${articleTags} where ${articleTags.tagId} = ${tags.id})`
    .mapWith(Number)
    .as('article_count');
  // A tag is public once a published article carries it; a draft's new tag stays an editor's secret.
  const isPublic = exists(db.select({ one: sql`1` }).from(articleTags).where(eq(articleTags.tagId, tags.id)));
  const select = () =>
    db
      .select({
        id: tags.id,
        slug: tags.slug,
        name: tags.name,
        description: tags.description,
        createdAt: tags.createdAt,
        updatedAt: tags.updatedAt,
        articleCount,
      })
      .from(tags);
  return {
    async findMany(q): Promise<TagRow[]> {
      return select()
        .where(and(q.afterSlug === null ? undefined : gt(tags.slug, q.afterSlug), q.publicOnly ? isPublic : undefined))
        .orderBy(asc(tags.slug))
        .limit(q.limit + 1);
    },
    async findBySlug(slug, { publicOnly }): Promise<TagRow | undefined> {
      const [row] = await select()
        .where(and(eq(tags.slug, slug), publicOnly ? isPublic : undefined))
        .limit(1);
      return row;
    },
    async insert(values, at, audit) {
      try {
        await withTransaction(db, async (tx) => {
          const [created] = await tx
            .insert(tags)
            .values({ ...values, createdAt: at, updatedAt: at })
            .returning({ id: tags.id });
          if (!created) throw new Error('the tag insert returned no row');
          await writers.appendAudit(tx, {
            ...audit,
            at,
            subjectType: 'tag',
            subjectId: values.slug,
            details: { ...values },
          });
          await writers.recordEvent(
            tx,
            tagEvent('tag.created', { id: created.id, slug: values.slug, name: values.name }, at),
          );
        });
      } catch (err) {
        throw toDomainError(err, 'tag');
      }
    },
    /**
     * Articles link tags by id, so a new slug or name shows on every published article at once.
     * At READ COMMITTED, with the tag's row locked by the update: whether a published article
     * carries the tag is read under the outbox lock, after any publication that linked it (and
     * announced it with the old name) committed, or before one that will announce the new name.
     */
    async update(slug, values, at, audit) {
      try {
        await withLockingTransaction(db, async (tx) => {
          const [updated] = await tx
            .update(tags)
            .set({ ...values, updatedAt: at })
            .where(eq(tags.slug, slug))
            .returning({ id: tags.id });
          await writers.reindexTag(tx, values.slug);
          await writers.appendAudit(tx, { ...audit, at, subjectType: 'tag', subjectId: slug, details: { ...values } });
          if (updated) {
            await writers.lockOutbox(tx);
            // Readers see the change only while a published article carries the tag.
            const [carried] = await tx
              .select({ one: sql`1` })
              .from(articleTags)
              .where(eq(articleTags.tagId, updated.id))
              .limit(1);
            await writers.recordEvent(tx, {
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
    /**
     * Refuses while a published article shows the tag: removing it would change that article
     * unannounced. The tag's row is locked before its links are counted, and a publication locks
     * the tags it links (FOR SHARE) until it commits, so a publication racing the delete either
     * commits first, and the count (at READ COMMITTED, read after the lock is granted) sees its
     * link, or waits and finds the tag gone. Under SERIALIZABLE the count would read the snapshot
     * taken before the wait, and miss that link.
     */
    async delete(slug, at, audit) {
      await withLockingTransaction(db, async (tx) => {
        const [tag] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, slug)).for('update');
        if (!tag) return;
        const [inUse] = await tx.select({ n: count() }).from(articleTags).where(eq(articleTags.tagId, tag.id));
        if (inUse && inUse.n > 0) {
          throw new ConflictError(
            `The tag "${slug}" is on ${inUse.n} published article${inUse.n === 1 ? '' : 's'}: publish revisions without it first`,
            { article_count: inUse.n },
          );
        }
        await tx.delete(tags).where(eq(tags.id, tag.id));
        await writers.appendAudit(tx, { ...audit, at, subjectType: 'tag', subjectId: slug });
        await writers.recordEvent(tx, tagEvent('tag.deleted', { id: tag.id, slug }, at));
      });
    },
  };
}
