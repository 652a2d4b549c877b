import { describe, expect, it } from 'vitest';
import { renderCommentBody } from '../../src/modules/comments/text.js';
import { renderMarkdown } from '../../src/shared/markdown.js';

/** Classic vectors, in Markdown and raw HTML, after the OWASP XSS filter evasion cheat sheet. */
const VECTORS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="javascript:alert(1)">',
  '<IMG SRC=JaVaScRiPt:alert(1)>',
  '<img src=`javascript:alert(1)`>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](vbscript:msgbox(1))',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<style>body{background:url("javascript:alert(1)")}</style>',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel=stylesheet href="javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '"><script>alert(1)</script>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<a href="//evil.example">protocol-relative</a>',
  '`<script>alert(1)</script>`',
  '<!--<script>alert(1)</script>-->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
];

const DANGEROUS = [
  /<script/i,
  /<iframe/i,
  /<object/i,
  /<embed/i,
  /<svg/i,
  /<math/i,
  /<style/i,
  /<form/i,
  /<input/i,
  /<meta/i,
  /<link/i,
  /<base/i,
  /<[^>]+\son\w+\s*=/i,
  /<[^>]+\sstyle\s*=/i,
  /<[^>]+\s(href|src|action)\s*=\s*["']?\s*(javascript|vbscript|data):/i,
  /<[^>]+\s(href|src)\s*=\s*["']?\/\//i,
];

describe('body_html of articles (Markdown)', () => {
  it.each(VECTORS)('neutralizes %s', (vector) => {
    const html = renderMarkdown(`Intro\n\n${vector}\n\nOutro`);
    for (const pattern of DANGEROUS) expect(html).not.toMatch(pattern);
  });

  it('keeps ordinary Markdown', () => {
    expect(renderMarkdown('**Gras** and [a link](https://example.org)')).toBe(
      '<p><strong>Gras</strong> and <a href="https://example.org" rel="noopener noreferrer">a link</a></p>',
    );
  });
});

describe('body_html of comments (plain text)', () => {
  it.each(VECTORS)('escapes %s', (vector) => {
    const html = renderCommentBody(vector);
    for (const pattern of DANGEROUS) expect(html).not.toMatch(pattern);
  });
});
