import { and, eq, isNull, sql } from 'drizzle-orm';
import type { PgTransaction } from '../../db/pg/client.js';
import { credits, tags } from '../../db/pg/schema.js';
import { creditEvent, tagEvent } from '../events/catalogue.js';
import type { PendingEvents, TagLink } from './catalogue.js';
import type { ArticleContent } from './schemas.js';

/**
 * catalogue.ts on PostgreSQL, for transactions at either isolation level. The catalogue rows an
 * article links are read `FOR SHARE`: a tag or credit delete locks its row `FOR UPDATE` before it
 * counts the links, so the two queue instead of the delete's cascade silently taking a link that a
 * publication has just written.
 */

/** A tag deleted between the insert that found it and the lock: at READ COMMITTED, insert again. */
const TAG_ATTEMPTS = 3;

/** The advisory lock class for matching a credit by value: two writers adding one new credit make one row. */
const CREDIT_BY_VALUE_LOCK = 0x66_63_72; // "fcr"

/** Finds a tag by slug or creates it; used when content names tags the catalogue lacks. */
export async function ensureTag(tx: PgTransaction, tag: TagLink, at: number, events: PendingEvents): Promise<number> {
  for (let attempt = 0; attempt < TAG_ATTEMPTS; attempt++) {
    const [created] = await tx
      .insert(tags)
      .values({ slug: tag.slug, name: tag.name, createdAt: at, updatedAt: at })
      .onConflictDoNothing({ target: tags.slug })
      .returning({ id: tags.id });
    if (created) events.push(tagEvent('tag.created', { id: created.id, slug: tag.slug, name: tag.name }, at));
    const [row] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, tag.slug)).for('share');
    if (row) return row.id;
  }
  throw new Error(`tag ${tag.slug} vanished inside its transaction`);
}

/** A snapshot credit whose catalogue row was deleted is recreated from the snapshot's values. */
export async function ensureCredit(
  tx: PgTransaction,
  credit: ArticleContent['credits'][number],
  at: number,
  events: PendingEvents,
): Promise<number> {
  if (credit.credit_id !== null) {
    const [existing] = await tx
      .select({ id: credits.id })
      .from(credits)
      .where(eq(credits.id, credit.credit_id))
      .for('share');
    if (existing) return existing.id;
  }
  const [created] = await tx
    .insert(credits)
    .values({
      name: credit.name,
      organization: credit.organization,
      url: credit.url,
      license: credit.license,
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: credits.id });
  if (!created) throw new Error(`credit ${credit.name} was not inserted`);
  events.push(creditEvent('credit.created', { id: created.id, name: credit.name }, at));
  return created.id;
}

/** Matches a credit given by value to the catalogue (same name and organization) or adds it. */
async function findOrCreateCredit(
  tx: PgTransaction,
  credit: ArticleContent['credits'][number],
  at: number,
  events: PendingEvents,
): Promise<number> {
  // No unique key on (name, organization): without the lock, two commands could both find none.
  const key = JSON.stringify([credit.name, credit.organization]);
  await tx.execute(sql`select pg_advisory_xact_lock(${CREDIT_BY_VALUE_LOCK}, hashtext(${key}))`);
  const organization =
    credit.organization === null ? isNull(credits.organization) : eq(credits.organization, credit.organization);
  const [existing] = await tx
    .select({ id: credits.id })
    .from(credits)
    .where(and(eq(credits.name, credit.name), organization))
    .limit(1)
    .for('share');
  return existing ? existing.id : ensureCredit(tx, { ...credit, credit_id: null }, at, events);
}

/** Gives every tag and credit of new content a catalogue entry, and the snapshot the credits' ids. */
export async function catalogueContent(
  tx: PgTransaction,
  content: ArticleContent,
  at: number,
  events: PendingEvents,
): Promise<ArticleContent> {
  for (const tag of content.tags) await ensureTag(tx, tag, at, events);
  const linked: ArticleContent['credits'] = [];
  for (const c of content.credits) {
    linked.push(c.credit_id !== null ? c : { ...c, credit_id: await findOrCreateCredit(tx, c, at, events) });
  }
  return { ...content, credits: linked };
}
