import { between, hex, pick, type Random, streamFor, weighted } from './random.js';
import { fill } from './text.js';
import { COMMENT_SHAPES, FIRST_NAMES, FR, LAST_NAMES } from './vocabulary.js';

export type CommentStatus = 'pending' | 'approved' | 'rejected' | 'spam';

export interface GeneratedComment {
  /** Index of the parent among the same article's comments, or null for a top-level comment. */
  parent: number | null;
  depth: number;
  authorName: string;
  authorEmail: string;
  ipHash: string;
  body: string;
  status: CommentStatus;
  spamReasons: { rule: string; detail: string }[];
  createdAt: number;
  /** How the comment reached its status: the system on arrival (spam) or a moderator (approved, rejected). */
  moderation: { actor: string; from: CommentStatus | null; at: number } | null;
}

const MODERATORS = ['modération', 'Claire Dubois', 'Karim Benali'];
const MAX_DEPTH = 2;
const MINUTE = 60_000;

/**
 * Shares `total` comments out over the published articles with a long tail (most articles get a
 * few, some get hundreds), by largest remainder so the counts add up to `total` exactly.
 */
export function shareComments(seed: number, published: readonly boolean[], total: number): Uint32Array {
  const counts = new Uint32Array(published.length);
  const rng = streamFor(seed, 3);
  const weights = published.map((p) => (p ? Math.exp(2 * (rng() + rng() + rng() - 1.5)) : 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return counts;
  let given = 0;
  const remainders: [number, number][] = [];
  weights.forEach((w, i) => {
    const exact = (w / sum) * total;
    counts[i] = Math.floor(exact);
    given += Math.floor(exact);
    if (w > 0) remainders.push([exact - Math.floor(exact), i]);
  });
  remainders.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; given < total; k = (k + 1) % remainders.length, given++) {
    const i = (remainders[k] as [number, number])[1];
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

function spamComment(rng: Random): Pick<GeneratedComment, 'body' | 'spamReasons'> {
  if (rng() < 0.6) {
    const n = between(rng, 6, 9);
    const links = Array.from({ length: n }, (_, i) => `https://promo-${i}.exemple.com/offre`).join(' ');
    return {
      body: `Gagnez de l’argent facilement ${links}`,
      spamReasons: [{ rule: 'links', detail: `${n} links, more than 5` }],
    };
  }
  return {
    body: 'Casino en ligne, bonus gratuit, cliquez vite',
    spamReasons: [{ rule: 'blocked_word', detail: 'contains "casino"' }],
  };
}

/** An article's comments, oldest first, between its publication and the end of generated time. */
export function generateComments(
  seed: number,
  articleIndex: number,
  count: number,
  from: number,
  until: number,
): GeneratedComment[] {
  const rng = streamFor(seed, 4, articleIndex);
  const times = Array.from({ length: count }, () => from + Math.floor(rng() * (until - from))).sort((a, b) => a - b);
  const out: GeneratedComment[] = [];
  const repliable: number[] = [];
  for (const [i, createdAt] of times.entries()) {
    const status = weighted<CommentStatus>(rng, [
      ['approved', 70],
      ['pending', 12],
      ['rejected', 6],
      ['spam', 12],
    ]);
    const parent = status !== 'spam' && repliable.length > 0 && rng() < 0.35 ? pick(rng, repliable) : null;
    const depth = parent === null ? 0 : (out[parent] as GeneratedComment).depth + 1;
    const first = pick(rng, FIRST_NAMES);
    const last = pick(rng, LAST_NAMES);
    const email = `${first}.${last}${between(rng, 1, 500)}@exemple.fr`
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase();
    const text =
      status === 'spam' ? spamComment(rng) : { body: `${fill(rng, FR, pick(rng, COMMENT_SHAPES))}`, spamReasons: [] };
    const moderatedAt = Math.min(until, createdAt + between(rng, 1, 600) * MINUTE);
    out.push({
      parent,
      depth,
      authorName: `${first} ${last}`,
      authorEmail: email,
      ipHash: hex(rng, 64),
      ...text,
      status,
      createdAt,
      moderation:
        status === 'pending'
          ? null
          : status === 'spam'
            ? { actor: 'system', from: null, at: createdAt }
            : { actor: pick(rng, MODERATORS), from: 'pending', at: moderatedAt },
    });
    if (status === 'approved' && depth < MAX_DEPTH) repliable.push(i);
  }
  return out;
}
