import { renderMarkdown } from '../../shared/markdown.js';
import { between, pick, type Random } from './random.js';
import type { Vocabulary } from './vocabulary.js';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Fills a shape such as "{sujet} {verbe} {complement}" with words of the vocabulary. */
export function fill(rng: Random, v: Vocabulary, shape: string): string {
  return shape.replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'sujet':
        return pick(rng, v.sujets);
      case 'sujet_min':
        return lowerFirst(pick(rng, v.sujets));
      case 'verbe':
        return pick(rng, v.verbes);
      case 'complement':
        return pick(rng, v.complements);
      case 'complement_cap':
        return upperFirst(pick(rng, v.complements));
      case 'circonstance':
        return pick(rng, v.circonstances);
      case 'question':
        return pick(rng, v.questions);
      default:
        return slot;
    }
  });
}

export function sentence(rng: Random, v: Vocabulary): string {
  const r = rng();
  if (r < 0.1) return pick(rng, v.questions);
  const base = fill(rng, v, r < 0.55 ? '{sujet} {verbe} {complement}' : '{sujet} {verbe} {complement} {circonstance}');
  if (r > 0.93) return `${base.replace(/ (\S+)$/, ' **$1**')}.`;
  if (r > 0.88) return `${base} ([détails](https://exemple.fr/dossiers/${between(rng, 1, 9999)})).`;
  return `${base}.`;
}

export type BlockKind = 'paragraph' | 'heading' | 'quote' | 'list';
export interface Block {
  kind: BlockKind;
  markdown: string;
}

function block(rng: Random, v: Vocabulary): Block {
  const r = rng();
  if (r < 0.1) return { kind: 'heading', markdown: `## ${upperFirst(pick(rng, v.complements))}` };
  if (r < 0.17) {
    return {
      kind: 'quote',
      markdown: `> «\u202f${pick(rng, v.citations)}\u202f», explique ${pick(rng, v.personnes)}.`,
    };
  }
  if (r < 0.22) {
    const items = Array.from({ length: between(rng, 2, 4) }, () => `- ${upperFirst(pick(rng, v.complements))}`);
    return { kind: 'list', markdown: items.join('\n') };
  }
  const sentences = Array.from({ length: between(rng, 2, 5) }, () => sentence(rng, v));
  return { kind: 'paragraph', markdown: sentences.join(' ') };
}

/**
 * A fixed pool of Markdown blocks that bodies are assembled from, each rendered to HTML once.
 * Rendering Markdown (marked + sanitize-html) costs about a millisecond per body, so rendering
 * 100,000 bodies one by one would take most of the time budget; blocks separated by a blank line
 * render independently, which the generator's test proves against renderMarkdown on whole bodies.
 */
export class BlockPool {
  readonly blocks: Block[];
  private readonly html: string[];

  constructor(rng: Random, v: Vocabulary, size: number) {
    this.blocks = Array.from({ length: size }, () => block(rng, v));
    this.html = this.blocks.map((b) => renderMarkdown(b.markdown));
  }

  /** 4 to 8 block numbers; a paragraph comes first, and no two lists or quotes touch (they would merge). */
  choose(rng: Random): number[] {
    const count = between(rng, 4, 8);
    const chosen: number[] = [];
    while (chosen.length < count) {
      const i = Math.floor(rng() * this.blocks.length);
      const kind = this.kindOf(i);
      const previous = chosen.length === 0 ? null : this.kindOf(chosen.at(-1) as number);
      if (previous === null ? kind !== 'paragraph' : kind !== 'paragraph' && kind === previous) continue;
      if (kind === 'heading' && chosen.length === count - 1) continue;
      chosen.push(i);
    }
    return chosen;
  }

  markdown(ids: readonly number[]): string {
    return ids.map((i) => this.blocks[i]?.markdown).join('\n\n');
  }

  renderHtml(ids: readonly number[]): string {
    return ids.map((i) => this.html[i]).join('\n');
  }

  private kindOf(i: number): BlockKind {
    return (this.blocks[i] as Block).kind;
  }
}
