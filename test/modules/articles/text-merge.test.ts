import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stargateNorway } from '../../../seeds/stargate-norway.js';
import {
  describePassage,
  MERGE_LIMITS,
  mergeText,
  paragraphCount,
  tokenize,
} from '../../../src/modules/articles/revisions/text-merge.js';

/** The seeded article's body: seven French paragraphs, one line each, between blank lines. */
const base = stargateNorway.body;
const paragraphs = base.split('\n\n');
const join = (parts: string[]) => parts.join('\n\n');
const para = (i: number) => paragraphs[i] as string;
const edited = (changes: Record<number, string>, from = paragraphs) => join(from.map((p, i) => changes[i] ?? p));
const inserted = (at: number, text: string, from = paragraphs) => join([...from.slice(0, at), text, ...from.slice(at)]);
const deleted = (at: number, from = paragraphs) => join(from.filter((_, i) => i !== at));

describe('mergeText on the seeded body', () => {
  it('has seven paragraphs', () => {
    expect(paragraphs).toHaveLength(7);
    expect(paragraphCount(base)).toBe(7);
  });

  it('merges an edit to paragraph 1 with an edit to paragraph 5', () => {
    const first = para(0).replace('jeudi', 'mercredi');
    const fifth = para(4).replace('sept mois', 'six mois');
    expect(mergeText(base, edited({ 0: first }), edited({ 4: fifth }))).toEqual({
      kind: 'merged',
      text: edited({ 0: first, 4: fifth }),
    });
  });

  it('merges edits to two neighbouring paragraphs', () => {
    expect(mergeText(base, edited({ 2: 'Theirs.' }), edited({ 3: 'Yours.' }))).toEqual({
      kind: 'merged',
      text: edited({ 2: 'Theirs.', 3: 'Yours.' }),
    });
  });

  it('names only paragraph 3 when both sides changed it, with its base, theirs and yours', () => {
    const theirs = para(2).replace('OpenAI choisit', 'OpenAI préfère');
    const yours = para(2).replace('du continent', 'de l’Europe');
    expect(mergeText(base, edited({ 0: 'Autre.', 2: theirs }), edited({ 2: yours, 6: 'Fin.' }))).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 2, end: 3 }, lines: { start: 4, end: 5 } },
          base: para(2),
          theirs,
          yours,
        },
      ],
    });
  });

  it('lists each conflicting passage in the order of the text', () => {
    const result = mergeText(base, edited({ 1: 'T1', 5: 'T5' }), edited({ 1: 'Y1', 3: 'Y3', 5: 'Y5' }));
    expect(result).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 1, end: 2 }, lines: { start: 2, end: 3 } },
          base: para(1),
          theirs: 'T1',
          yours: 'Y1',
        },
        {
          passage: { paragraphs: { start: 5, end: 6 }, lines: { start: 10, end: 11 } },
          base: para(5),
          theirs: 'T5',
          yours: 'Y5',
        },
      ],
    });
  });

  it('merges the same change made on both sides', () => {
    const fixed = edited({ 3: para(3).replace('mégawatts', 'MW') });
    expect(mergeText(base, fixed, fixed)).toEqual({ kind: 'merged', text: fixed });
    const theirs = edited({ 0: 'A.', 3: 'Same.' });
    const yours = edited({ 3: 'Same.', 6: 'B.' });
    expect(mergeText(base, theirs, yours)).toEqual({ kind: 'merged', text: edited({ 0: 'A.', 3: 'Same.', 6: 'B.' }) });
  });

  it('takes one side whole when the other did not change the text', () => {
    const changed = edited({ 4: 'Changed.' });
    expect(mergeText(base, changed, base)).toEqual({ kind: 'merged', text: changed });
    expect(mergeText(base, base, changed)).toEqual({ kind: 'merged', text: changed });
  });

  it('conflicts on two different paragraphs inserted at the same place', () => {
    expect(mergeText(base, inserted(2, 'Leur ajout.'), inserted(2, 'Mon ajout.'))).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 2, end: 2 }, lines: { start: 4, end: 4 } },
          base: '',
          theirs: 'Leur ajout.',
          yours: 'Mon ajout.',
        },
      ],
    });
  });

  it('inserts once the same paragraph inserted on both sides at the same place', () => {
    const both = inserted(2, 'Le même ajout.');
    expect(mergeText(base, both, both)).toEqual({ kind: 'merged', text: both });
    expect(
      mergeText(
        base,
        inserted(2, 'Le même ajout.', paragraphs),
        inserted(2, 'Le même ajout.', edited({ 5: 'X' }).split('\n\n')),
      ),
    ).toEqual({
      kind: 'merged',
      text: inserted(2, 'Le même ajout.', edited({ 5: 'X' }).split('\n\n')),
    });
  });

  it('merges paragraphs inserted at different places', () => {
    const theirs = inserted(1, 'Après le premier.');
    const yours = inserted(5, 'Avant le sixième.');
    expect(mergeText(base, theirs, yours)).toEqual({
      kind: 'merged',
      text: join([
        ...paragraphs.slice(0, 1),
        'Après le premier.',
        ...paragraphs.slice(1, 5),
        'Avant le sixième.',
        ...paragraphs.slice(5),
      ]),
    });
  });

  it('merges a paragraph inserted before a paragraph the other side edits', () => {
    expect(mergeText(base, inserted(3, 'Nouveau.'), edited({ 3: 'Réécrit.' }))).toEqual({
      kind: 'merged',
      text: join([...paragraphs.slice(0, 3), 'Nouveau.', 'Réécrit.', ...paragraphs.slice(4)]),
    });
    expect(mergeText(base, edited({ 3: 'Réécrit.' }), inserted(4, 'Nouveau.'))).toEqual({
      kind: 'merged',
      text: join([...paragraphs.slice(0, 3), 'Réécrit.', 'Nouveau.', ...paragraphs.slice(4)]),
    });
  });

  it('conflicts on a paragraph one side deleted and the other edited', () => {
    expect(mergeText(base, deleted(2), edited({ 2: 'Modifié.' }))).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 2, end: 3 }, lines: { start: 4, end: 5 } },
          base: para(2),
          theirs: '',
          yours: 'Modifié.',
        },
      ],
    });
  });

  it('merges a deleted paragraph with an edit to another one', () => {
    expect(mergeText(base, deleted(2), edited({ 3: 'Modifié.' }))).toEqual({
      kind: 'merged',
      text: deleted(2, edited({ 3: 'Modifié.' }).split('\n\n')),
    });
  });

  it('merges the same paragraph deleted on both sides', () => {
    expect(mergeText(base, deleted(4), deleted(4))).toEqual({ kind: 'merged', text: deleted(4) });
    const theirs = deleted(4, edited({ 0: 'A.' }).split('\n\n'));
    expect(mergeText(base, theirs, deleted(4))).toEqual({ kind: 'merged', text: theirs });
  });

  it('appends the same paragraph added at the end by both sides once', () => {
    const both = `${base}\n\nUne conclusion.`;
    expect(mergeText(base, both, both)).toEqual({ kind: 'merged', text: both });
    expect(mergeText(base, `${edited({ 0: 'A.' })}\n\nUne conclusion.`, both)).toEqual({
      kind: 'merged',
      text: `${edited({ 0: 'A.' })}\n\nUne conclusion.`,
    });
  });

  it('conflicts on different paragraphs added at the end by both sides, naming the end', () => {
    const result = mergeText(base, `${base}\n\nLa leur.`, `${base}\n\nLa mienne.`);
    expect(result).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 7, end: 7 }, lines: { start: 13, end: 13 } },
          base: '',
          theirs: 'La leur.',
          yours: 'La mienne.',
        },
      ],
    });
  });

  it('merges a paragraph added at the end with an edit to the last paragraph', () => {
    expect(mergeText(base, `${base}\n\nAjout.`, edited({ 6: 'Dernier.' }))).toEqual({
      kind: 'merged',
      text: `${edited({ 6: 'Dernier.' })}\n\nAjout.`,
    });
  });
});

describe('mergeText on other shapes of Markdown', () => {
  it('keeps the final line break and counts an insertion at the end after the last line', () => {
    const text = 'Un.\n\nDeux.\n';
    expect(mergeText(text, 'Un.\n\nDeux.\n\nTrois.\n', 'Un!\n\nDeux.\n')).toEqual({
      kind: 'merged',
      text: 'Un!\n\nDeux.\n\nTrois.\n',
    });
    expect(mergeText(text, 'Un.\n\nDeux.\n\nA.\n', 'Un.\n\nDeux.\n\nB.\n')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 2, end: 2 }, lines: { start: 3, end: 3 } },
          base: '',
          theirs: 'A.',
          yours: 'B.',
        },
      ],
    });
  });

  it('treats a hard-wrapped paragraph as one passage and counts its lines', () => {
    const text = '# Titre\n\nLigne un\nligne deux\nligne trois\n\nFin.';
    const result = mergeText(
      text,
      '# Titre\n\nLigne 1\nligne deux\nligne trois\n\nFin.',
      '# Titre\n\nLigne un\nligne deux\nligne 3\n\nFin!',
    );
    expect(result).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 1, end: 2 }, lines: { start: 2, end: 5 } },
          base: 'Ligne un\nligne deux\nligne trois',
          theirs: 'Ligne 1\nligne deux\nligne trois',
          yours: 'Ligne un\nligne deux\nligne 3',
        },
      ],
    });
  });

  it('keeps each side’s blank lines: runs of them, spaces on them, and CRLF', () => {
    const text = 'A\r\n\r\nB\n \n\nC';
    expect(mergeText(text, 'A2\r\n\r\nB\n \n\nC', 'A\r\n\r\nB\n \n\nC2')).toEqual({
      kind: 'merged',
      text: 'A2\r\n\r\nB\n \n\nC2',
    });
  });

  it('merges into and from an empty text', () => {
    expect(mergeText('', 'Theirs.', '')).toEqual({ kind: 'merged', text: 'Theirs.' });
    expect(mergeText('', 'Theirs.', 'Yours.')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 0, end: 0 }, lines: { start: 0, end: 0 } },
          base: '',
          theirs: 'Theirs.',
          yours: 'Yours.',
        },
      ],
    });
  });

  it('names only the paragraph both changed when each side changed a run of paragraphs around it', () => {
    expect(mergeText('A\n\nB\n\nC\n\nD', 'A\n\nB1\n\nC1\n\nD', 'A\n\nB\n\nC2\n\nD2')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 2, end: 3 }, lines: { start: 4, end: 5 } },
          base: 'C',
          theirs: 'C1',
          yours: 'C2',
        },
      ],
    });
  });

  it('names two paragraphs one side deleted together as one passage', () => {
    expect(mergeText('A\n\nB\n\nC\n\nD', 'A\n\nD', 'A\n\nB\n\nC2\n\nD')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 1, end: 3 }, lines: { start: 2, end: 5 } },
          base: 'B\n\nC',
          theirs: '',
          yours: 'B\n\nC2',
        },
      ],
    });
  });

  it('sees two paragraphs joined into one as the first rewritten and the second deleted', () => {
    expect(mergeText('A\n\nB\n\nC\n\nD', 'A\n\nB and C\n\nD', 'A\n\nB\n\nC2\n\nD')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 2, end: 3 }, lines: { start: 4, end: 5 } },
          base: 'C',
          theirs: '',
          yours: 'C2',
        },
      ],
    });
    expect(mergeText('A\n\nB\n\nC\n\nD', 'A\n\nB and C\n\nD', 'A\n\nB\n\nC\n\nD2')).toEqual({
      kind: 'merged',
      text: 'A\n\nB and C\n\nD2',
    });
  });
});

describe('mergeText where hunks meet', () => {
  const conflictAt = (
    start: number,
    end: number,
    lines: [number, number],
    base: string,
    theirs: string,
    yours: string,
  ) => ({
    kind: 'conflict',
    conflicts: [
      { passage: { paragraphs: { start, end }, lines: { start: lines[0], end: lines[1] } }, base, theirs, yours },
    ],
  });

  it('places an insertion after a paragraph followed by an unusual blank-line run before the next paragraph’s line', () => {
    expect(mergeText('A\n\nB\n\n\nC', 'A\n\nB\n\nX\n\n\nC', 'A\n\nB\n\nY\n\n\nC')).toEqual(
      conflictAt(2, 2, [5, 5], '', 'X', 'Y'),
    );
  });

  it('names the start for different paragraphs inserted at the very beginning', () => {
    expect(mergeText('A\n\nB', 'X\n\nA\n\nB', 'Y\n\nA\n\nB')).toEqual(conflictAt(0, 0, [0, 0], '', 'X', 'Y'));
  });

  it('merges my paragraph inserted before the one they edited, whichever side inserts', () => {
    expect(mergeText('A\n\nB\n\nC', 'A\n\nB2\n\nC', 'A\n\nN\n\nB\n\nC')).toEqual({
      kind: 'merged',
      text: 'A\n\nN\n\nB2\n\nC',
    });
    expect(mergeText('A\n\nB\n\nC', 'A\n\nN\n\nB\n\nC', 'A\n\nB2\n\nC')).toEqual({
      kind: 'merged',
      text: 'A\n\nN\n\nB2\n\nC',
    });
  });

  it('widens a passage to every paragraph a longer change on the other side covers', () => {
    expect(mergeText('A\n\nB\n\nC\n\nD', 'A\n\nB2\n\nC\n\nD', 'A\n\nD')).toEqual(
      conflictAt(1, 3, [2, 5], 'B\n\nC', 'B2\n\nC', ''),
    );
    expect(mergeText('A\n\nB\n\nC\n\nD', 'A\n\nD', 'A\n\nB2\n\nC\n\nD')).toEqual(
      conflictAt(1, 3, [2, 5], 'B\n\nC', '', 'B2\n\nC'),
    );
  });

  it('names the last paragraph one side deleted and the other edited', () => {
    expect(mergeText('A\n\nB', 'A', 'A\n\nB2')).toEqual(conflictAt(1, 2, [2, 3], 'B', '', 'B2'));
  });

  it('keeps a passage to a change that starts sooner and ends later than the other side’s', () => {
    expect(mergeText('A\n\nB\n\nC\n\nD\n\nE', 'A\n\nE', 'A\n\nB\n\nC2\n\nD\n\nE')).toEqual(
      conflictAt(1, 4, [2, 7], 'B\n\nC\n\nD', '', 'B\n\nC2\n\nD'),
    );
  });

  it('keeps a passage to the longer change when the other side’s change inside it ends sooner', () => {
    expect(mergeText('A\n\nB\n\nC\n\nD\n\nE', 'A\n\nD\n\nE', 'A\n\nB\n\nC2\n\nD2\n\nE')).toEqual(
      conflictAt(1, 3, [2, 5], 'B\n\nC', '', 'B\n\nC2'),
    );
    expect(mergeText('A\n\nB\n\nC\n\nD\n\nE', 'A\n\nD\n\nE', 'A\n\nB\n\nC2\n\nD\n\nE2')).toEqual(
      conflictAt(1, 3, [2, 5], 'B\n\nC', '', 'B\n\nC2'),
    );
  });
});

describe('mergeText on a paragraph both sides inserted, next to a paragraph one side changed', () => {
  // Runs of equal paragraphs let the two diffs align the same insertion differently: on one side as an
  // insertion, on the other as a change of the paragraph next to it. Applying both would hold it twice.
  const conflict = (at: number, line: number, baseText: string, theirs: string, yours: string) => ({
    kind: 'conflict',
    conflicts: [
      {
        passage: { paragraphs: { start: at, end: at + 1 }, lines: { start: line, end: line + 1 } },
        base: baseText,
        theirs,
        yours,
      },
    ],
  });

  it('conflicts rather than holding it twice when the other side also deleted the paragraph after it', () => {
    expect(mergeText('A\n\nA\n\nC\n\nB', 'NEW\n\nA\n\nA\n\nC\n\nB', 'NEW\n\nA\n\nC\n\nB')).toEqual(
      conflict(0, 0, 'A', 'NEW\n\nA', 'NEW'),
    );
    expect(mergeText('A\n\nA\n\nC\n\nB', 'NEW\n\nA\n\nC\n\nB', 'NEW\n\nA\n\nA\n\nC\n\nB')).toEqual(
      conflict(0, 0, 'A', 'NEW', 'NEW\n\nA'),
    );
  });

  it('conflicts rather than holding it twice inside the text, whichever side deleted', () => {
    const base = 'B\n\nC\n\nB\n\nA\n\nC\n\nB';
    const kept = 'B\n\nC\n\nNEW\n\nB\n\nA\n\nC\n\nB';
    const deletedB = 'B\n\nC\n\nNEW\n\nA\n\nC\n\nB';
    expect(mergeText(base, kept, deletedB)).toEqual(conflict(2, 4, 'B', 'NEW\n\nB', 'NEW'));
    expect(mergeText(base, deletedB, kept)).toEqual(conflict(2, 4, 'B', 'NEW', 'NEW\n\nB'));
  });

  it('conflicts rather than holding it twice when the diff sees the deleted paragraph replaced by it', () => {
    const base = 'A\n\nC\n\nB\n\nB\n\nA\n\nB';
    const deletedA = 'A\n\nC\n\nB\n\nB\n\nNEW\n\nB';
    const kept = 'A\n\nC\n\nB\n\nB\n\nNEW\n\nA\n\nB';
    expect(mergeText(base, deletedA, kept)).toEqual(conflict(4, 8, 'A', 'NEW', 'NEW\n\nA'));
    expect(mergeText(base, kept, deletedA)).toEqual(conflict(4, 8, 'A', 'NEW\n\nA', 'NEW'));
  });

  it('conflicts on the whole stretch when the two diffs see the paragraph written at places apart', () => {
    // Theirs reads as "A, then NEW and A1 in place of the second A"; yours as "NEW in place of the first A".
    expect(mergeText('A\n\nA', 'A\n\nNEW\n\nA1', 'NEW\n\nA')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 0, end: 2 }, lines: { start: 0, end: 3 } },
          base: 'A\n\nA',
          theirs: 'A\n\nNEW\n\nA1',
          yours: 'NEW\n\nA',
        },
      ],
    });
  });

  it('conflicts on one paragraph both sides added at different places, which may be meant once', () => {
    expect(mergeText('A\n\nB\n\nC', '---\n\nA\n\nB\n\nC', 'A\n\nB\n\n---\n\nC')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 0, end: 2 }, lines: { start: 0, end: 3 } },
          base: 'A\n\nB',
          theirs: '---\n\nA\n\nB',
          yours: 'A\n\nB\n\n---',
        },
      ],
    });
  });

  it('conflicts when one side inserted a paragraph the other wrote in place of the next one', () => {
    // Theirs reads as "X in place of B, then B2 inserted before C".
    expect(mergeText('A\n\nB\n\nC', 'A\n\nX\n\nB2\n\nC', 'A\n\nX\n\nB\n\nC')).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 1, end: 2 }, lines: { start: 2, end: 3 } },
          base: 'B',
          theirs: 'X',
          yours: 'X\n\nB',
        },
      ],
    });
  });

  it('never holds the paragraph twice, nor drops it, when the merge succeeds', () => {
    const change = fc.oneof(
      fc.constant({ kind: 'none' as const, at: 0 }),
      fc.record({ kind: fc.constantFrom('edit' as const, 'delete' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('A', 'B', 'C'), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        change,
        change,
        (parts, i, theirChange, yourChange) => {
          const at = i % (parts.length + 1);
          const apply = ({ kind, at: j }: { kind: 'none' | 'edit' | 'delete'; at: number }, tag: string) => {
            const side: string[] = [...parts];
            const k = j % side.length;
            if (kind === 'edit') side[k] = `${side[k]}${tag}`;
            if (kind === 'delete') side.splice(k, 1);
            side.splice(kind === 'delete' && k < at ? at - 1 : at, 0, 'NEW');
            return join(side);
          };
          const result = mergeText(join(parts), apply(theirChange, '1'), apply(yourChange, '2'));
          if (result.kind === 'merged') expect(result.text.split('\n\n').filter((p) => p === 'NEW')).toEqual(['NEW']);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('mergeText bounds', () => {
  const many = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`).join('\n\n');

  it('merges by passage up to the edit bound', () => {
    const count = MERGE_LIMITS.maxEdits / 2;
    const text = `${many(count, 'old')}\n\nEnd.`;
    expect(mergeText(text, `${many(count, 'new')}\n\nEnd.`, `${many(count, 'old')}\n\nEnd!`)).toEqual({
      kind: 'merged',
      text: `${many(count, 'new')}\n\nEnd!`,
    });
  });

  it('past the edit bound, answers the whole text as one conflicting passage', () => {
    const count = MERGE_LIMITS.maxEdits;
    const text = `${many(count, 'old')}\n\nEnd.\n`;
    const theirs = `${many(count, 'new')}\n\nEnd.\n`;
    expect(mergeText(text, theirs, `${many(count, 'old')}\n\nEnd!\n`)).toEqual({
      kind: 'conflict',
      conflicts: [
        {
          passage: { paragraphs: { start: 0, end: count + 1 }, lines: { start: 0, end: 2 * count + 1 } },
          base: text.trimEnd(),
          theirs: theirs.trimEnd(),
          yours: `${many(count, 'old')}\n\nEnd!`,
        },
      ],
    });
  });

  it('past the edit bound on my side only, answers the whole text as one conflicting passage', () => {
    const count = MERGE_LIMITS.maxEdits;
    const text = `${many(count, 'old')}\n\nEnd.`;
    expect(mergeText(text, `${many(count, 'old')}\n\nEnd!`, `${many(count, 'new')}\n\nEnd.`)).toMatchObject({
      kind: 'conflict',
      conflicts: [{ passage: { paragraphs: { start: 0, end: count + 1 } }, theirs: `${many(count, 'old')}\n\nEnd!` }],
    });
  });

  it('past the token bound, answers the whole text as one conflict even for one change each side', () => {
    // Base and side together: 2 × count - 1 and 2 × count + 1 tokens.
    const count = MERGE_LIMITS.maxTokens / 4 + 1;
    const text = many(count, 'p');
    expect(mergeText(text, `${text}\n\nA`, `B\n\n${text}`)).toMatchObject({
      kind: 'conflict',
      conflicts: [{ passage: { paragraphs: { start: 0, end: count } }, base: text }],
    });
    // Only the longer side counts: a long insertion on one side is enough.
    const base = many(count - 2, 'p');
    expect(mergeText(base, `${base}\n\nA\n\nB\n\nC\n\nD`, `X${base.slice(3)}`)).toMatchObject({ kind: 'conflict' });
    expect(mergeText(base, `${base}\n\nA\n\nB\n\nC`, `X${base.slice(3)}`)).toEqual({
      kind: 'merged',
      text: `X${base.slice(3)}\n\nA\n\nB\n\nC`,
    });
    const fits = many(count - 1, 'p');
    expect(mergeText(fits, `${fits}\n\nA`, `B\n\n${fits}`)).toEqual({ kind: 'merged', text: `B\n\n${fits}\n\nA` });
  });
});

describe('tokenize', () => {
  it('gives paragraphs at even places and the blank lines between them at odd ones', () => {
    expect(tokenize('a\n\nb\n')).toEqual(['a', '\n\n', 'b', '\n', '']);
    expect(tokenize('\n\na\n \t\n\nb')).toEqual(['', '\n\n', 'a', '\n \t\n\n', 'b']);
    expect(tokenize('a\nb')).toEqual(['a\nb']);
    expect(tokenize('a\r\n\r\nb  \r\n')).toEqual(['a', '\r\n\r\n', 'b  ', '\r\n', '']);
  });

  it('gives the text back when joined', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\n', '\r', 'é') }), (text) => {
        expect(tokenize(text).join('')).toBe(text);
      }),
    );
  });
});

describe('mergeText properties', () => {
  const paragraph = fc.stringMatching(/^[a-z]{1,6}( [a-z]{1,6}){0,3}$/);

  it('applies both sides’ edits to different paragraphs, as if made one after the other', () => {
    fc.assert(
      fc.property(
        fc.array(paragraph, { minLength: 2, maxLength: 8 }),
        fc.nat(),
        fc.nat(),
        paragraph,
        paragraph,
        (parts, i, j, a, b) => {
          const [x, y] = [i % parts.length, j % parts.length];
          // The same new paragraph written by both sides is a conflict when the merge would hold it twice.
          fc.pre(x !== y && a !== b && a !== parts[x] && b !== parts[y]);
          const theirs = parts.map((p, k) => (k === x ? a : p));
          const yours = parts.map((p, k) => (k === y ? b : p));
          const both = parts.map((p, k) => (k === x ? a : k === y ? b : p));
          expect(mergeText(join(parts), join(theirs), join(yours))).toEqual({ kind: 'merged', text: join(both) });
        },
      ),
    );
  });

  it('conflicts on one paragraph changed differently on both sides, and nowhere else', () => {
    fc.assert(
      fc.property(
        fc.array(paragraph, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        paragraph,
        paragraph,
        (parts, i, a, b) => {
          const x = i % parts.length;
          fc.pre(a !== b && a !== parts[x] && b !== parts[x]);
          const result = mergeText(join(parts), edited({ [x]: a }, parts), edited({ [x]: b }, parts));
          expect(result).toMatchObject({
            kind: 'conflict',
            conflicts: [{ passage: { paragraphs: { start: x, end: x + 1 } }, base: parts[x], theirs: a, yours: b }],
          });
        },
      ),
    );
  });
});

describe('describePassage', () => {
  const at = (start: number, end: number) => ({ paragraphs: { start, end }, lines: { start: 0, end: 0 } });

  it('counts paragraphs from 1 for people', () => {
    expect(describePassage(at(2, 3), 7)).toBe('paragraph 3');
    expect(describePassage(at(2, 4), 7)).toBe('paragraphs 3-4');
    expect(describePassage(at(2, 2), 7)).toBe('before paragraph 3');
    expect(describePassage(at(7, 7), 7)).toBe('the end');
    expect(describePassage(at(0, 0), 0)).toBe('the end');
  });
});
