/**
 * Tags and credits are public only while a published article carries them (article_tags and
 * article_credits hold published revisions' links alone). When a publication or a withdrawal
 * changes an article's links, the tags and credits it gained or lost may cross that line; this
 * turns what the links were and are into the events that announce it.
 */
import { creditEvent, type EventInput, tagEvent } from '../../events/catalogue.js';

/** The tag and credit ids one article's published revision links. */
export interface Links {
  tags: number[];
  credits: number[];
}

/** A tag or credit an article gained or lost, as it stands after the change. */
export interface Carried {
  id: number;
  slug?: string;
  name: string;
  /** How many published articles carry it now, this one included. */
  carriers: number;
}

const without = (a: number[], b: number[]) => [...new Set(a)].filter((id) => !b.includes(id));

/** The ids whose visibility may have changed: gained or lost by the article. */
export function changedIds(before: Links, after: Links): Links {
  return {
    tags: [...without(after.tags, before.tags), ...without(before.tags, after.tags)],
    credits: [...without(after.credits, before.credits), ...without(before.credits, after.credits)],
  };
}

/**
 * A gained tag carried by this article alone has just become public; a lost one carried by none
 * has just stopped being public. Others were public before and stay so, or were not and are not.
 */
export function visibilityEvents(
  before: Links,
  after: Links,
  now: { tags: Carried[]; credits: Carried[] },
  at: number,
): EventInput[] {
  const events: EventInput[] = [];
  for (const t of [...now.tags].sort((a, b) => a.id - b.id)) {
    const tag = { id: t.id, slug: t.slug ?? '', name: t.name };
    if (after.tags.includes(t.id) && !before.tags.includes(t.id) && t.carriers === 1)
      events.push(tagEvent('tag.published', tag, at));
    if (before.tags.includes(t.id) && !after.tags.includes(t.id) && t.carriers === 0)
      events.push(tagEvent('tag.unpublished', tag, at));
  }
  for (const c of [...now.credits].sort((a, b) => a.id - b.id)) {
    const credit = { id: c.id, name: c.name };
    if (after.credits.includes(c.id) && !before.credits.includes(c.id) && c.carriers === 1)
      events.push(creditEvent('credit.published', credit, at));
    if (before.credits.includes(c.id) && !after.credits.includes(c.id) && c.carriers === 0)
      events.push(creditEvent('credit.unpublished', credit, at));
  }
  return events;
}
