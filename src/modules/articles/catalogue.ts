import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { credits, tags } from '../../db/schema.js';
import { creditEvent, type EventInput, tagEvent } from '../events/catalogue.js';
import type { ArticleContent } from './schemas.js';

/** The handle a repository function gets inside `db.transaction`; every helper here runs inside one. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface TagLink {
  slug: string;
  name: string;
}

/**
 * The events of a transaction, gathered as it writes and appended to the outbox at its end: a tag
 * or credit that content creates on the way is announced like one created by hand.
 */
export type PendingEvents = EventInput[];

/** Finds a tag by slug or creates it; used when content names tags the catalogue lacks. */
export function ensureTag(tx: Tx, tag: TagLink, at: number, events: PendingEvents): number {
  const created = tx
    .insert(tags)
    .values({ slug: tag.slug, name: tag.name, createdAt: at, updatedAt: at })
    .onConflictDoNothing({ target: tags.slug })
    .returning({ id: tags.id })
    .get();
  if (created) events.push(tagEvent('tag.created', { id: created.id, slug: tag.slug, name: tag.name }, at));
  const row = tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, tag.slug)).get();
  if (!row) throw new Error(`tag ${tag.slug} vanished inside its transaction`);
  return row.id;
}

/** A snapshot credit whose catalogue row was deleted is recreated from the snapshot's values. */
export function ensureCredit(
  tx: Tx,
  credit: ArticleContent['credits'][number],
  at: number,
  events: PendingEvents,
): number {
  if (credit.credit_id !== null) {
    const existing = tx.select({ id: credits.id }).from(credits).where(eq(credits.id, credit.credit_id)).get();
    if (existing) return existing.id;
  }
  const { id } = tx
    .insert(credits)
    .values({
      name: credit.name,
      organization: credit.organization,
      url: credit.url,
      license: credit.license,
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: credits.id })
    .get();
  events.push(creditEvent('credit.created', { id, name: credit.name }, at));
  return id;
}

/** Matches a credit given by value to the catalogue (same name and organization) or adds it. */
function findOrCreateCredit(
  tx: Tx,
  credit: ArticleContent['credits'][number],
  at: number,
  events: PendingEvents,
): number {
  const organization =
    credit.organization === null ? sql`${credits.organization} is null` : eq(credits.organization, credit.organization);
  const existing = tx
    .select({ id: credits.id })
    .from(credits)
    .where(and(eq(credits.name, credit.name), organization))
    .get();
  return existing ? existing.id : ensureCredit(tx, { ...credit, credit_id: null }, at, events);
}

/** Gives every tag and credit of new content a catalogue entry, and the snapshot the credits' ids. */
export function catalogueContent(tx: Tx, content: ArticleContent, at: number, events: PendingEvents): ArticleContent {
  for (const tag of content.tags) ensureTag(tx, tag, at, events);
  return {
    ...content,
    credits: content.credits.map((c) =>
      c.credit_id !== null ? c : { ...c, credit_id: findOrCreateCredit(tx, c, at, events) },
    ),
  };
}
