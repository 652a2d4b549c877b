import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/shared/markdown.js';
import {
  MAX_EMPHASIS_MARKS,
  MAX_HTML_NESTING,
  MAX_NESTING,
  nestingDepth,
  nestingProblem,
} from '../../src/shared/markdown-nesting.js';

const indentedList = (levels: number, indent: number, marker = '-') =>
  Array.from({ length: levels }, (_, i) => `${' '.repeat(indent * i)}${marker} item`).join('\n');

describe('nestingDepth', () => {
  it.each([
    ['plain text', 'Un paragraphe.\nEt un autre.', 0],
    ['one blockquote', '> cité', 1],
    ['blockquotes without spaces', '>>> x', 3],
    ['blockquotes with spaces', '> > > x', 3],
    ['a blockquote that ends in an empty nested line', '> > > >', 4],
    ['bullets on one line', '- - - x', 3],
    ['a list indented by 2', indentedList(5, 2), 5],
    ['a list indented by 4', indentedList(5, 4), 5],
    ['an ordered list indented by 3', indentedList(4, 3, '1.'), 4],
    ['siblings after a nested item', '- a\n  - b\n- c\n  - d', 2],
    ['lists inside blockquotes', '> - > - x', 4],
    ['a list item continued by a paragraph', '- a\n\n  more of a\n- b', 1],
    ['each bullet marker', '- a\n+ b\n* c', 1],
    ['bullets nested with + and *', '+ * x', 2],
    ['an ordered marker from 0, with a dot', '0. a', 1],
    ['an ordered marker to 9, with a parenthesis', '9) b', 1],
    ['an ordered marker of nine digits', '123456789. x', 1],
    ['a number of ten digits', '1234567890. x', 0],
    ['a letter or a lone dot before the dot', 'a. x\n. x\n1: x', 0],
    ['a marker that ends the line', '-', 1],
    ['a marker followed by a tab', '-\t- x', 2],
    ['blockquotes separated by tabs', '>\t>\tx', 2],
    ['a sibling less indented than the content column', '-   a\n  - b', 1],
    ['a sibling of an empty item, indented by one', '-\n - b', 1],
    ['a child of an empty item, indented by two', '-\n  - b', 2],
    ['a list indented by tabs', Array.from({ length: 5 }, (_, i) => `${'\t'.repeat(i)}- x`).join('\n'), 5],
    ['an ordered list indented by tabs', Array.from({ length: 4 }, (_, i) => `${'\t'.repeat(i)}1. x`).join('\n'), 4],
    ['a list indented by a tab after spaces', '- a\n  \t- b', 2],
  ])('counts %s as %i levels of blocks', (_name, markdown, depth) => {
    expect(nestingDepth(markdown).blocks).toBe(depth);
  });

  it.each([
    ['after a closed fence', '```\nx\n```\n> > x'],
    ['after a closed fence with an info string', '```js\n> > > >\n```\n> > x'],
    ['after a setext heading or a thematic break', 'Title\n===\n***\n> > x'],
    ['after inline code, which opens no fence', '`` a ``\n> > x'],
    ['after inline code in a blockquote', '> `` b ``\n> > x'],
    ['after a paragraph', 'text\n> > x'],
  ])('counts nesting %s', (_name, markdown) => {
    expect(nestingDepth(markdown).blocks).toBe(2);
  });

  it('does not count what is inside a code fence', () => {
    expect(nestingDepth('```\n> > > > > > > >\n- - - - - -\n```\ntext').blocks).toBe(0);
    expect(nestingDepth('~~~~md\n>>>>>>>>\n~~~~').blocks).toBe(0);
  });

  it('counts a fence inside a blockquote at the blockquote, not its content', () => {
    expect(nestingDepth('> ```\n> > > > > > >\n> ```').blocks).toBe(1);
  });

  it.each([
    ['flat emphasis', '*a* _b_ **c** __d__', 1],
    ['nested emphasis', '*a **b _c_ d** e*', 3],
    ['runs opened and closed in turn', `${'*a '.repeat(5)}x${' a*'.repeat(5)}`, 5],
    ['words with underscores', 'snake_case_name', 1],
    ['escaped stars', '\\*a \\*b \\*c', 0],
    ['stars between spaces or tabs', 'a * b *\tc\t*\td', 0],
    ['stars after a word with no word after them', 'a* b*', 0],
    ["a fence's info string", '``` *a *b *c\n```', 0],
    ['a list marker after a blockquote, which closes nothing', '*a *b\n>* x *c', 3],
    ['nested strikethrough', `${'~~a '.repeat(5)}x${' a~~'.repeat(5)}`, 5],
    ['strikethrough with single tildes', `${'~a '.repeat(4)}x${' a~'.repeat(4)}`, 4],
    ['strikethrough inside emphasis', '*a ~~b _c_ d~~ e*', 3],
  ])('counts %s as %i levels of emphasis', (_name, markdown, depth) => {
    expect(nestingDepth(markdown).emphasis).toBe(depth);
  });

  it('counts the emphasis marks of the paragraph that holds most, a run of one character as one mark', () => {
    expect(nestingDepth('a_b *c* ~~d~~\nmore__e\n\nx_y').marks).toBe(6);
    expect(nestingDepth('```\na_b_c_d\n```\nx*').marks).toBe(1);
  });

  it.each([
    ['closed elements', '<div><p>a <em>b</em></p></div><span>c</span>', 3],
    ['unclosed elements', '<em><b><i>x', 3],
    ['void elements, which hold nothing', '<br><img src="x"><hr/><p>a<br>b</p>', 1],
    ['elements across lines and paragraphs', '<div>\n\n<div>\n</div>', 2],
    ['angle brackets that open no tag', 'a < b, 1<2, <- arrow, </ 3', 0],
    ['tags inside a code fence', '```\n<em><em><em>\n```', 0],
  ])('counts %s as %i levels of HTML', (_name, markdown, depth) => {
    expect(nestingDepth(markdown).html).toBe(depth);
  });

  it('ends open emphasis with the paragraph', () => {
    expect(nestingDepth('*a *b *c\n\n*d *e').emphasis).toBe(3);
  });

  it('measures 200,000 nested blockquotes in one pass', () => {
    expect(nestingDepth('>'.repeat(200_000))).toEqual({ blocks: 200_000, emphasis: 0, marks: 0, html: 0 });
  });
});

describe('nestingProblem', () => {
  it('accepts nesting up to the maximum', () => {
    expect(nestingProblem(`${'>'.repeat(MAX_NESTING)} x`)).toBeNull();
    expect(nestingProblem(indentedList(MAX_NESTING, 2))).toBeNull();
    expect(nestingProblem(`${'_a '.repeat(MAX_NESTING)}x`)).toBeNull();
  });

  // marked seeks the closing mark of each through the rest of the paragraph: 25,000 `a_` took 43 s.
  it('refuses a paragraph with more emphasis marks than the maximum, but not the same marks in paragraphs', () => {
    expect(nestingProblem('a_'.repeat(MAX_EMPHASIS_MARKS))).toBeNull();
    expect(nestingProblem(Array.from({ length: 10 }, () => 'a_'.repeat(MAX_EMPHASIS_MARKS)).join('\n\n'))).toBeNull();
    expect(nestingProblem('a_'.repeat(25_000))).toBe(
      'has 25000 emphasis marks (*, _ or ~) in one paragraph; at most 500 are allowed (code belongs in a fence)',
    );
    expect(nestingProblem(`${'a*.'.repeat(300)}\n${'b_'.repeat(300)}`)).toMatch(/^has 600 emphasis marks/);
  });

  // sanitize-html spends on each element in proportion to the open ones: 40,000 `<em>` took a second.
  it('refuses raw HTML nested deeper than its maximum', () => {
    expect(nestingProblem('<em>'.repeat(MAX_HTML_NESTING))).toBeNull();
    expect(nestingProblem('<p>a</p>'.repeat(5000))).toBeNull();
    expect(nestingProblem('x<x>'.repeat(40_000))).toBe(
      'nests HTML elements 40000 levels deep; at most 256 are allowed',
    );
  });

  it('says why a deeper body is refused', () => {
    expect(nestingProblem(`${'>'.repeat(2000)} x`)).toBe(
      'nests blockquotes and lists 2000 levels deep; at most 32 are allowed',
    );
    expect(nestingProblem(`${'_a '.repeat(40)}x`)).toBe(
      'nests emphasis (*, _ or ~) 40 levels deep; at most 32 are allowed',
    );
  });

  // marked nests a list by tab stops and strikethrough like emphasis: uncounted, 700 tab-indented
  // levels took 5 s to render, and 3,000 nested ~~ overflowed its stack after a second.
  it('refuses lists nested by tabs and nested strikethrough', () => {
    const tabs = Array.from({ length: 700 }, (_, i) => `${'\t'.repeat(i)}- x`).join('\n');
    expect(nestingProblem(tabs)).toBe('nests blockquotes and lists 700 levels deep; at most 32 are allowed');
    expect(nestingProblem(`${'~~a '.repeat(3000)}x${' a~~'.repeat(3000)}`)).toBe(
      'nests emphasis (*, _ or ~) 3000 levels deep; at most 32 are allowed',
    );
  });
});

describe('renderMarkdown on input the renderer cannot take', () => {
  it.each([
    ['5,000 nested blockquotes', `${'>'.repeat(5000)} x`],
    ['5,000 bullets on one line', `${'- '.repeat(5000)}x`],
    ['2,000 nested underscores', `${'_a '.repeat(2000)}x${' a_'.repeat(2000)}`],
  ])('answers %s as escaped plain text instead of throwing', (_name, markdown) => {
    expect(renderMarkdown(markdown)).toBe(`<pre>${markdown.replaceAll('>', '&gt;')}</pre>`);
  });

  it('renders nesting within the bound as Markdown', () => {
    expect(renderMarkdown('> > x')).toBe('<blockquote>\n<blockquote>\n<p>x</p>\n</blockquote>\n</blockquote>');
  });
});
