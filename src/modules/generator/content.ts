import { slugify } from '../../shared/slug.js';
import type { ArticleContent } from '../articles/schemas.js';
import { between, pick, type Random, sample, streamFor, uuidv7From, weighted } from './random.js';
import { type BlockPool, fill } from './text.js';
import { ALT_TEXTS, EDITORS, EN, FR, REVISION_MESSAGES } from './vocabulary.js';

/** Generated time runs over five years up to this instant, so a seed gives the same dates on any day. */
export const GENERATED_UNTIL = Date.UTC(2026, 0, 1);
const SPAN_MS = 5 * 365 * 24 * 3_600_000;
const HOUR = 3_600_000;

export type Status = 'draft' | 'published' | 'archived';
type Credit = ArticleContent['credits'][number];

/** Tags and credits as stored in the catalogue, with their ids. */
export interface Catalogue {
  tags: { slug: string; name: string }[];
  images: Credit[];
  sources: Credit[];
  authors: Credit[];
}

export interface GeneratedRevision {
  number: number;
  content: ArticleContent;
  changedFields: string[];
  message: string | null;
  author: string;
  createdAt: number;
}

export interface GeneratedArticle {
  index: number;
  id: string;
  slug: string;
  lang: string;
  status: Status;
  commentsOpen: boolean;
  headRevision: number;
  publishedRevision: number | null;
  publishedAt: number | null;
  /** HTML of the published revision's body. */
  bodyHtml: string | null;
  createdAt: number;
  updatedAt: number;
  revisions: GeneratedRevision[];
}

/** Which articles are published: decided up front, so comments can be shared out before any content exists. */
export function statusOf(seed: number, index: number): Status {
  if (index === 0) return 'published';
  return weighted(streamFor(seed, 1, index), [
    ['published', 88],
    ['draft', 7],
    ['archived', 5],
  ]);
}

interface Draft {
  content: ArticleContent;
  blocks: number[];
}

function firstDraft(
  rng: Random,
  pool: BlockPool,
  catalogue: Catalogue,
  lang: string,
  uniqueSlug: (slug: string) => string,
): Draft {
  const v = lang === 'fr' ? FR : EN;
  const title = fill(rng, v, pick(rng, v.titres));
  const slug = uniqueSlug(slugify(title));
  const blocks = pool.choose(rng);
  const image = pick(rng, catalogue.images);
  const source = rng() < 0.6 ? pick(rng, catalogue.sources) : null;
  const credits: Credit[] = [
    { ...image, role: 'image' },
    ...(source ? [{ ...source, role: 'source' }] : []),
    ...(rng() < 0.5 ? [{ ...pick(rng, catalogue.authors), role: 'author' }] : []),
  ];
  return {
    blocks,
    content: {
      title,
      slug,
      standfirst:
        rng() < 0.9
          ? `${fill(rng, v, '{sujet} {verbe} {complement} {circonstance}')}. ${pick(rng, v.questions)}`
          : null,
      body: pool.markdown(blocks),
      tags: sample(rng, catalogue.tags, between(rng, 1, 4)),
      credits,
      hero_image:
        rng() < 0.85
          ? {
              url: `https://images.exemple.fr/${slug.slice(0, 40)}-${between(rng, 1000, 9999)}.jpg`,
              alt: pick(rng, ALT_TEXTS),
              caption: rng() < 0.5 ? fill(rng, v, '{complement_cap}') : null,
              credit: { name: image.name, organization: image.organization, url: null },
            }
          : null,
      source: source ? { name: source.name, url: null } : null,
      ai_generated: rng() < 0.3,
    },
  };
}

/** The next revision changes one or two things, as an editor's pass does. */
function nextDraft(rng: Random, pool: BlockPool, catalogue: Catalogue, previous: Draft, lang: string): Draft {
  const v = lang === 'fr' ? FR : EN;
  const content = { ...previous.content };
  let blocks = previous.blocks;
  const change = rng();
  if (change < 0.5) {
    blocks = [...blocks];
    blocks.splice(between(rng, 1, blocks.length - 1), 1, ...pool.choose(rng).slice(0, 1));
    content.body = pool.markdown(blocks);
  } else if (change < 0.7) {
    content.title = fill(rng, v, pick(rng, v.titres));
  } else if (change < 0.85) {
    content.standfirst = `${fill(rng, v, '{sujet} {verbe} {complement}')}.`;
  } else {
    content.tags = sample(rng, catalogue.tags, between(rng, 1, 4));
  }
  return { content, blocks };
}

function changedFields(before: ArticleContent | null, after: ArticleContent): string[] {
  const keys = Object.keys(after) as (keyof ArticleContent)[];
  if (!before) return keys;
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/**
 * One article with 1 to 5 revisions. Published ones usually publish their head; about one in five
 * published an earlier revision and has drafted since.
 */
export function generateArticle(
  seed: number,
  index: number,
  total: number,
  pool: BlockPool,
  catalogue: Catalogue,
  uniqueSlug: (slug: string) => string,
): GeneratedArticle {
  const rng = streamFor(seed, 2, index);
  const status = statusOf(seed, index);
  const lang = rng() < 0.9 ? 'fr' : 'en';
  const createdAt =
    GENERATED_UNTIL - SPAN_MS + Math.floor(((index + rng()) / Math.max(total, 1)) * (SPAN_MS - 30 * 24 * HOUR));
  const head = weighted(rng, [
    [1, 25],
    [2, 30],
    [3, 25],
    [4, 12],
    [5, 8],
  ]);
  const drafts: Draft[] = [firstDraft(rng, pool, catalogue, lang, uniqueSlug)];
  while (drafts.length < head) drafts.push(nextDraft(rng, pool, catalogue, drafts.at(-1) as Draft, lang));

  let at = createdAt;
  const revisions = drafts.map((draft, i): GeneratedRevision => {
    if (i > 0) at += between(rng, 1, 72) * HOUR;
    return {
      number: i + 1,
      content: draft.content,
      changedFields: changedFields(drafts[i - 1]?.content ?? null, draft.content),
      message: i === 0 ? null : pick(rng, REVISION_MESSAGES),
      author: pick(rng, EDITORS),
      createdAt: at,
    };
  });
  const publishedRevision = status === 'draft' ? null : head > 1 && rng() < 0.2 ? between(rng, 1, head - 1) : head;
  const published = publishedRevision === null ? null : (revisions[publishedRevision - 1] as GeneratedRevision);
  const publishedAt = published ? published.createdAt + between(rng, 1, 6) * HOUR : null;
  return {
    index,
    id: uuidv7From(rng, createdAt),
    slug: revisions[0]?.content.slug as string,
    lang,
    status,
    commentsOpen: rng() < 0.95,
    headRevision: head,
    publishedRevision,
    publishedAt,
    bodyHtml: publishedRevision === null ? null : pool.renderHtml((drafts[publishedRevision - 1] as Draft).blocks),
    createdAt,
    updatedAt: Math.max(at, publishedAt ?? at),
    revisions,
  };
}
