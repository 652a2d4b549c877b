/**
 * Reader comments are plain text. These functions find their links and turn them into HTML that
 * is safe to insert into a page: everything is escaped, and only the links we make are markup.
 */

/** http(s) URLs and bare www. hosts, up to the first space, quote or angle bracket. */
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence more often than it ends a URL. */
const TRAILING = /[.,;:!?)\]}]+$/;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

interface Link {
  start: number;
  url: string;
}

/** The links of a text, trailing punctuation excluded (keeping a `)` that closes one inside the URL). */
export function findLinks(text: string): Link[] {
  const links: Link[] = [];
  for (const match of text.matchAll(LINK)) {
    let url = match[0];
    const trailing = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    if (trailing.startsWith(')') && url.includes('(') && !url.includes(')')) url += ')';
    // `www....` loses its dot with the punctuation: what is left is no link, and would make a relative href.
    if (!/^(?:https?:\/\/|www\.)./i.test(url)) continue;
    links.push({ start: match.index, url });
  }
  return links;
}

function escapeText(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');
}

/** The body as HTML: escaped, links clickable but not endorsed (nofollow ugc), newlines as <br>. */
export function renderCommentBody(body: string): string {
  let html = '';
  let position = 0;
  for (const { start, url } of findLinks(body)) {
    const href = /^www\./i.test(url) ? `https://${url}` : url;
    html += escapeText(body.slice(position, start));
    html += `<a href="${escapeHtml(href)}" rel="nofollow ugc noopener">${escapeHtml(url)}</a>`;
    position = start + url.length;
  }
  return html + escapeText(body.slice(position));
}
