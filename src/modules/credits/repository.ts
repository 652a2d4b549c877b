import { and, asc, countDistinct, eq, exists, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { articleCredits, credits } from '../../db/schema.js';
import { ConflictError } from '../../errors.js';
import type { AppendAudit, AuditEntry } from '../audit/repository.js';
import { creditEvent } from '../events/catalogue.js';
import type { recordEvent } from '../events/outbox.js';

export type CreditRow = typeof credits.$inferSelect & { articleCount: number };
export interface CreditValues {
  name: string;
  organization: string | null;
  url: string | null;
  license: string | null;
}
type AuditFields = Omit<AuditEntry, 'at' | 'subjectType' | 'subjectId'>;

/** What a credit change writes beside the credit, in its transaction (audit entry, event); passed in by the store. */
export interface CreditWriters {
  appendAudit: AppendAudit;
  recordEvent: typeof recordEvent;
}

export function createCreditsRepository(db: Database, writers: CreditWriters) {
  // article_credits holds only published articles' links.
  const articleCount =
    sql<number>`(select ${countDistinct(articleCredits.articleId)} from ${articleCredits} where ${articleCredits.creditId} = ${credits.id})`.as(
      'article_count',
    );
  const select = () => db.select({ ...creditColumns(), articleCount }).from(credits);
  // A credit is public once a published article shows it; a draft's new credit stays an editor's secret.
  const isPublic = exists(
    db.select({ one: sql`1` }).from(articleCredits).where(eq(articleCredits.creditId, credits.id)),
  );
  return {
    async findMany(q: { limit: number; afterId: number | null; publicOnly: boolean }): Promise<CreditRow[]> {
      return select()
        .where(and(q.afterId === null ? undefined : gt(credits.id, q.afterId), q.publicOnly ? isPublic : undefined))
        .orderBy(asc(credits.id))
        .limit(q.limit + 1)
        .all();
    },
    async findById(id: number, { publicOnly }: { publicOnly: boolean }): Promise<CreditRow | undefined> {
      return select()
        .where(and(eq(credits.id, id), publicOnly ? isPublic : undefined))
        .get();
    },
    async insert(values: CreditValues, at: number, audit: AuditFields): Promise<number> {
      return db.transaction((tx) => {
        const { id } = tx
          .insert(credits)
          .values({ ...values, createdAt: at, updatedAt: at })
          .returning({ id: credits.id })
          .get();
        writers.appendAudit(tx, { ...audit, at, subjectType: 'credit', subjectId: String(id), details: { ...values } });
        writers.recordEvent(tx, creditEvent('credit.created', { id, name: values.name }, at));
        return id;
      });
    },
    async update(id: number, values: CreditValues, at: number, audit: AuditFields): Promise<void> {
      db.transaction((tx) => {
        const updated = tx
          .update(credits)
          .set({ ...values, updatedAt: at })
          .where(eq(credits.id, id))
          .returning({ id: credits.id })
          .get();
        writers.appendAudit(tx, { ...audit, at, subjectType: 'credit', subjectId: String(id), details: { ...values } });
        if (updated) {
          // Readers see the change only while a published article carries the credit.
          const carried = tx.select({ one: sql`1` }).from(articleCredits).where(eq(articleCredits.creditId, id)).get();
          writers.recordEvent(tx, {
            ...creditEvent('credit.updated', { id, name: values.name }, at),
            feed: carried ? 'upsert' : null,
          });
        }
      });
    },
    /** Refuses while a published article shows the credit: removing it would change that article unannounced. */
    async delete(id: number, at: number, audit: AuditFields): Promise<void> {
      db.transaction((tx) => {
        const inUse = tx
          .select({ n: countDistinct(articleCredits.articleId) })
          .from(articleCredits)
          .where(eq(articleCredits.creditId, id))
          .get();
        if (inUse && inUse.n > 0) {
          throw new ConflictError(
            `Credit ${id} is on ${inUse.n} published article${inUse.n === 1 ? '' : 's'}: publish revisions without it first`,
            { article_count: inUse.n },
          );
        }
        const deleted = tx.delete(credits).where(eq(credits.id, id)).returning({ id: credits.id }).get();
        writers.appendAudit(tx, { ...audit, at, subjectType: 'credit', subjectId: String(id) });
        if (deleted) writers.recordEvent(tx, creditEvent('credit.deleted', { id }, at));
      });
    },
  };
}

function creditColumns() {
  return {
    id: credits.id,
    name: credits.name,
    organization: credits.organization,
    url: credits.url,
    license: credits.license,
    createdAt: credits.createdAt,
    updatedAt: credits.updatedAt,
  };
}

export type CreditsRepository = ReturnType<typeof createCreditsRepository>;
