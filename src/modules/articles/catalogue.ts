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

/** The statements the catalogue needs, built per call from a transaction or prepared once on a connection. */
interface CatalogueStatements {
  tagId(slug: string): { id: number } | undefined;
  /** The new tag's id; undefined when the slug is taken. */
  insertTag(tag: TagLink, at: number): { id: number } | undefined;
  creditExists(id: number): boolean;
  creditId(name: string, organization: string | null): { id: number } | undefined;
  insertCredit(credit: ArticleContent['credits'][number], at: number): { id: number } | undefined;
}

const creditValues = (credit: ArticleContent['credits'][number], at: number) => ({
  name: credit.name,
  organization: credit.organization,
  url: credit.url,
  license: credit.license,
  createdAt: at,
  updatedAt: at,
});

function statementsOf(tx: Tx): CatalogueStatements {
  return {
    tagId: (slug) => tx.select({ id: tags.id }).from(tags).where(eq(tags.slug, slug)).get(),
    insertTag: (tag, at) =>
      tx
        .insert(tags)
        .values({ slug: tag.slug, name: tag.name, createdAt: at, updatedAt: at })
        .onConflictDoNothing({ target: tags.slug })
        .returning({ id: tags.id })
        .get(),
    creditExists: (id) => tx.select({ id: credits.id }).from(credits).where(eq(credits.id, id)).get() !== undefined,
    creditId: (name, organization) =>
      tx
        .select({ id: credits.id })
        .from(credits)
        .where(
          and(
            eq(credits.name, name),
            organization === null ? sql`${credits.organization} is null` : eq(credits.organization, organization),
          ),
        )
        .get(),
    insertCredit: (credit, at) =>
      tx.insert(credits).values(creditValues(credit, at)).returning({ id: credits.id }).get(),
  };
}

/**
 * The catalogue's statements prepared once on `db`: they run inside whatever transaction the
 * connection is in. A revision or a new article names its tags on every write, and building these
 * statements each time cost more than running them.
 */
function preparedStatements(db: Database): CatalogueStatements {
  const p = sql.placeholder;
  const tagId = db
    .select({ id: tags.id })
    .from(tags)
    .where(eq(tags.slug, p('slug')))
    .prepare();
  const insertTag = db
    .insert(tags)
    .values({ slug: p('slug'), name: p('name'), createdAt: p('at'), updatedAt: p('at') })
    .onConflictDoNothing({ target: tags.slug })
    .returning({ id: tags.id })
    .prepare();
  const creditById = db
    .select({ id: credits.id })
    .from(credits)
    .where(eq(credits.id, p('id')))
    .prepare();
  const creditByName = db
    .select({ id: credits.id })
    .from(credits)
    .where(and(eq(credits.name, p('name')), eq(credits.organization, p('organization'))))
    .prepare();
  const creditByNameAlone = db
    .select({ id: credits.id })
    .from(credits)
    .where(and(eq(credits.name, p('name')), sql`${credits.organization} is null`))
    .prepare();
  const insertCredit = db
    .insert(credits)
    .values({
      name: p('name'),
      organization: p('organization'),
      url: p('url'),
      license: p('license'),
      createdAt: p('at'),
      updatedAt: p('at'),
    })
    .returning({ id: credits.id })
    .prepare();
  return {
    tagId: (slug) => tagId.get({ slug }),
    insertTag: (tag, at) => insertTag.get({ slug: tag.slug, name: tag.name, at }),
    creditExists: (id) => creditById.get({ id }) !== undefined,
    creditId: (name, organization) =>
      organization === null ? creditByNameAlone.get({ name }) : creditByName.get({ name, organization }),
    insertCredit: (credit, at) =>
      insertCredit.get({
        name: credit.name,
        organization: credit.organization,
        url: credit.url,
        license: credit.license,
        at,
      }),
  };
}

function tagIdWith(s: CatalogueStatements, tag: TagLink, at: number, events: PendingEvents): number {
  const existing = s.tagId(tag.slug);
  if (existing) return existing.id;
  const created = s.insertTag(tag, at);
  if (created) {
    events.push(tagEvent('tag.created', { id: created.id, slug: tag.slug, name: tag.name }, at));
    return created.id;
  }
  const row = s.tagId(tag.slug);
  if (!row) throw new Error(`tag ${tag.slug} vanished inside its transaction`);
  return row.id;
}

function creditIdWith(
  s: CatalogueStatements,
  credit: ArticleContent['credits'][number],
  at: number,
  events: PendingEvents,
): number {
  if (credit.credit_id !== null && s.creditExists(credit.credit_id)) return credit.credit_id;
  const created = s.insertCredit(credit, at);
  if (!created) throw new Error(`credit ${credit.name} was not stored`);
  events.push(creditEvent('credit.created', { id: created.id, name: credit.name }, at));
  return created.id;
}

/** Finds a tag by slug or creates it; used when content names tags the catalogue lacks. */
export function ensureTag(tx: Tx, tag: TagLink, at: number, events: PendingEvents): number {
  return tagIdWith(statementsOf(tx), tag, at, events);
}

/** A snapshot credit whose catalogue row was deleted is recreated from the snapshot's values. */
export function ensureCredit(
  tx: Tx,
  credit: ArticleContent['credits'][number],
  at: number,
  events: PendingEvents,
): number {
  return creditIdWith(statementsOf(tx), credit, at, events);
}

/** Gives every tag and credit of new content a catalogue entry, and the snapshot the credits' ids. */
function catalogueWith(
  s: CatalogueStatements,
  content: ArticleContent,
  at: number,
  events: PendingEvents,
): ArticleContent {
  for (const tag of content.tags) tagIdWith(s, tag, at, events);
  return {
    ...content,
    credits: content.credits.map((c) => {
      if (c.credit_id !== null) return c;
      // A credit given by value matches the catalogue's (same name and organization) or is added.
      const existing = s.creditId(c.name, c.organization);
      return { ...c, credit_id: existing ? existing.id : creditIdWith(s, c, at, events) };
    }),
  };
}

/** Gives every tag and credit of new content a catalogue entry, and the snapshot the credits' ids. */
export function catalogueContent(tx: Tx, content: ArticleContent, at: number, events: PendingEvents): ArticleContent {
  return catalogueWith(statementsOf(tx), content, at, events);
}

/** catalogueContent on statements prepared once on `db`, for the writes that name tags on every call. */
export function preparedCatalogue(db: Database) {
  const statements = preparedStatements(db);
  return (content: ArticleContent, at: number, events: PendingEvents): ArticleContent =>
    catalogueWith(statements, content, at, events);
}
