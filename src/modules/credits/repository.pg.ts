import { and, asc, countDistinct, eq, exists, gt, sql } from 'drizzle-orm';
import type { PgDatabase } from '../../db/pg/client.js';
import { articleCredits, credits } from '../../db/pg/schema.js';
import { withLockingTransaction, withTransaction } from '../../db/pg/tx.js';
import { ConflictError } from '../../errors.js';
import type { appendAudit } from '../audit/repository.pg.js';
import { creditEvent } from '../events/catalogue.js';
import type { lockOutbox, recordEvent } from '../events/outbox.pg.js';
import type { CreditRow, CreditsRepository } from './repository.js';

/** What a credit change writes beside the credit, in its transaction; passed in by the store. */
export interface PgCreditWriters {
  appendAudit: typeof appendAudit;
  recordEvent: typeof recordEvent;
  lockOutbox: typeof lockOutbox;
}

export function createPgCreditsRepository(db: PgDatabase, writers: PgCreditWriters): CreditsRepository {
  // article_credits holds only published articles' links.
  const articleCount =
    sql<number>`(select ${countDistinct(articleCredits.articleId)} from ${articleCredits} where ${articleCredits.creditId} = ${credits.id})`
      .mapWith(Number)
      .as('article_count');
  // A credit is public once a published article shows it; a draft's new credit stays an editor's secret.
  const isPublic = exists(
    db.select({ one: sql`1` }).from(articleCredits).where(eq(articleCredits.creditId, credits.id)),
  );
  const select = () =>
    db
      .select({
        id: credits.id,
        name: credits.name,
        organization: credits.organization,
        url: credits.url,
        license: credits.license,
        createdAt: credits.createdAt,
        updatedAt: credits.updatedAt,
        articleCount,
      })
      .from(credits);
  return {
    async findMany(q): Promise<CreditRow[]> {
      return select()
        .where(and(q.afterId === null ? undefined : gt(credits.id, q.afterId), q.publicOnly ? isPublic : undefined))
        .orderBy(asc(credits.id))
        .limit(q.limit + 1);
    },
    async findById(id, { publicOnly }): Promise<CreditRow | undefined> {
      const [row] = await select()
        .where(and(eq(credits.id, id), publicOnly ? isPublic : undefined))
        .limit(1);
      return row;
    },
    async insert(values, at, audit) {
      return withTransaction(db, async (tx) => {
        const [row] = await tx
          .insert(credits)
          .values({ ...values, createdAt: at, updatedAt: at })
          .returning({ id: credits.id });
        if (!row) throw new Error('the credit insert returned no row');
        await writers.appendAudit(tx, {
          ...audit,
          at,
          subjectType: 'credit',
          subjectId: String(row.id),
          details: { ...values },
        });
        await writers.recordEvent(tx, creditEvent('credit.created', { id: row.id, name: values.name }, at));
        return row.id;
      });
    },
    /** As tags' update: at READ COMMITTED, whether the credit is public is read under the outbox lock. */
    async update(id, values, at, audit) {
      await withLockingTransaction(db, async (tx) => {
        const [updated] = await tx
          .update(credits)
          .set({ ...values, updatedAt: at })
          .where(eq(credits.id, id))
          .returning({ id: credits.id });
        await writers.appendAudit(tx, {
          ...audit,
          at,
          subjectType: 'credit',
          subjectId: String(id),
          details: { ...values },
        });
        if (updated) {
          await writers.lockOutbox(tx);
          // Readers see the change only while a published article carries the credit.
          const [carried] = await tx
            .select({ one: sql`1` })
            .from(articleCredits)
            .where(eq(articleCredits.creditId, id))
            .limit(1);
          await writers.recordEvent(tx, {
            ...creditEvent('credit.updated', { id, name: values.name }, at),
            feed: carried ? 'upsert' : null,
          });
        }
      });
    },
    /**
     * Refuses while a published article shows the credit: removing it would change that article
     * unannounced. The credit's row is locked before its links are counted, at READ COMMITTED so
     * that the count sees a publication that held the lock first, as tags' delete does.
     */
    async delete(id, at, audit) {
      await withLockingTransaction(db, async (tx) => {
        const [credit] = await tx.select({ id: credits.id }).from(credits).where(eq(credits.id, id)).for('update');
        if (!credit) return;
        const [inUse] = await tx
          .select({ n: countDistinct(articleCredits.articleId) })
          .from(articleCredits)
          .where(eq(articleCredits.creditId, id));
        if (inUse && inUse.n > 0) {
          throw new ConflictError(
            `Credit ${id} is on ${inUse.n} published article${inUse.n === 1 ? '' : 's'}: publish revisions without it first`,
            { article_count: inUse.n },
          );
        }
        await tx.delete(credits).where(eq(credits.id, id));
        await writers.appendAudit(tx, { ...audit, at, subjectType: 'credit', subjectId: String(id) });
        await writers.recordEvent(tx, creditEvent('credit.deleted', { id }, at));
      });
    },
  };
}
