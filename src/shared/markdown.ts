import { createRequire } from 'node:module';
import { Marked } from 'marked';
import type SanitizeHtml from 'sanitize-html';
import { nestingProblem } from './markdown-nesting.js';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * sanitize-html and the parsers it brings (htmlparser2, postcss) are loaded by the first render,
 * not at start: a server that only reads stored articles never needs them.
 */
let sanitizer: ((html: string) => string) | null = null;
function sanitize(html: string): string {
  sanitizer ??= createSanitizer(createRequire(import.meta.url)('sanitize-html') as typeof SanitizeHtml);
  return sanitizer(html);
}

function createSanitizer(sanitizeHtml: typeof SanitizeHtml): (html: string) => string {
  const options = sanitizeOptions(sanitizeHtml);
  return (html) => sanitizeHtml(html, options);
}

const sanitizeOptions = (sanitizeHtml: typeof SanitizeHtml): SanitizeHtml.IOptions => ({
  allowedTags: [...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'iframe'), 'img', 'del', 'ins', 'sup', 'sub'],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    code: ['class'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }),
  },
});

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The text as it was written, escaped, for a body the renderer cannot take. */
function asPlainText(markdown: string): string {
  return `<pre>${markdown.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)}</pre>`;
}

/**
 * Markdown to HTML that is safe to insert into a page: raw HTML, scripts and handlers are removed.
 * It never throws: bodies are validated against deep nesting, and one stored before that check, or
 * any other input the renderer fails on, is served as escaped plain text rather than failing a request.
 */
export function renderMarkdown(markdown: string): string {
  if (nestingProblem(markdown)) return asPlainText(markdown);
  try {
    return sanitize(marked.parse(markdown) as string).trim();
  } catch {
    return asPlainText(markdown);
  }
}
