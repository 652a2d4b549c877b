import { describe, expect, it } from 'vitest';
import { findLinks, renderCommentBody } from '../../../src/modules/comments/text.js';

describe('renderCommentBody', () => {
  it('escapes every HTML character', () => {
    expect(renderCommentBody(`<script>alert("x")</script> & 'quotes'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;',
    );
  });

  it('makes links clickable without endorsing them', () => {
    expect(renderCommentBody('See https://example.com/a?b=1&c=2.')).toBe(
      'See <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">https://example.com/a?b=1&amp;c=2</a>.',
    );
  });

  it('gives bare www. links a scheme', () => {
    expect(renderCommentBody('www.example.org')).toBe(
      '<a href="https://www.example.org" rel="nofollow ugc noopener">www.example.org</a>',
    );
  });

  it('turns newlines into <br>', () => {
    expect(renderCommentBody('one\ntwo\r\nthree')).toBe('one<br>two<br>three');
  });

  it('never lets a link break out of its attribute', () => {
    const html = renderCommentBody('https://evil.example/"onmouseover="alert(1)');
    expect(html).toBe(
      '<a href="https://evil.example/" rel="nofollow ugc noopener">https://evil.example/</a>&quot;onmouseover=&quot;alert(1)',
    );
  });

  it('leaves a www. whose dot is sentence punctuation as text, not a relative link', () => {
    expect(renderCommentBody('or www.... and https://.')).toBe('or www.... and https://.');
  });

  it('leaves javascript: and other schemes as text', () => {
    expect(renderCommentBody('javascript:alert(1)')).toBe('javascript:alert(1)');
  });
});

describe('findLinks', () => {
  it('keeps a closing parenthesis that belongs to the URL', () => {
    expect(findLinks('(see https://en.wikipedia.org/wiki/Fjord_(disambiguation))').map((l) => l.url)).toEqual([
      'https://en.wikipedia.org/wiki/Fjord_(disambiguation)',
    ]);
  });

  it('drops sentence punctuation after a link', () => {
    expect(findLinks('Read https://example.com, then www.example.org!').map((l) => l.url)).toEqual([
      'https://example.com',
      'www.example.org',
    ]);
  });
});
