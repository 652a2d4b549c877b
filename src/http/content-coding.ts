/**
 * Content negotiation for compression (RFC 9110 §12.5.3), as pure functions of header values: which
 * coding a client accepts, which one a body is sent in, and what that does to its ETag and Vary.
 */

export type Coding = 'br' | 'gzip' | 'identity';
export type ContentCoding = Exclude<Coding, 'identity'>;

/** The server's order among codings a client weighs equally: brotli is smaller than gzip for JSON. */
const SERVER_ORDER: readonly Coding[] = ['br', 'gzip', 'identity'];
/** Identity that the header does not name is acceptable (§12.5.3), after every coding it does name. */
const IMPLIED = 0.0001;

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** §12.4.2: a weight is 0 to 1 with at most three decimals. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The weights an Accept-Encoding header gives, by lower-case coding (`x-gzip` read as `gzip`, as
 * §8.4.1.3 asks). An element that does not parse (a bad token or weight) is ignored, not guessed at;
 * a coding named twice keeps its first weight.
 */
export function weightsOf(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const element of header.split(',')) {
    const [name = '', ...params] = element.split(';').map((part) => part.trim().toLowerCase());
    if (!TOKEN.test(name)) continue;
    let weight = 1;
    let valid = true;
    for (const param of params) {
      const [key, value = ''] = param.split('=').map((part) => part.trim());
      if (key !== 'q') continue;
      valid = QVALUE.test(value);
      weight = Number(value);
    }
    const coding = name === 'x-gzip' ? 'gzip' : name;
    if (valid && !weights.has(coding)) weights.set(coding, weight);
  }
  return weights;
}

/**
 * The codings this server can send that the client accepts, best first: by the client's weights,
 * then by SERVER_ORDER. No header, or an empty one, asks for no coding: identity only. `*` weighs
 * every coding not named; identity is refused only by `identity;q=0`, or `*;q=0` without it.
 */
export function acceptedCodings(header: string | undefined): Coding[] {
  // An empty header names nothing, which leaves identity alone: no coding is wanted.
  if (header === undefined) return ['identity'];
  const weights = weightsOf(header);
  const star = weights.get('*');
  const weightOf = (coding: Coding): number => {
    const named = weights.get(coding);
    if (named !== undefined) return named;
    if (coding !== 'identity') return star ?? 0;
    return star === 0 ? 0 : IMPLIED;
  };
  return SERVER_ORDER.filter((coding) => weightOf(coding) > 0).sort((a, b) => weightOf(b) - weightOf(a));
}

/**
 * The coding to send a body in. A body not worth compressing (a small one) goes as identity unless
 * the client refused identity. When the client accepts nothing this server has, the body goes as
 * identity all the same, as most servers do, rather than a 406 no client could act on.
 */
export function chooseCoding(header: string | undefined, worthCompressing: boolean): Coding {
  const accepted = acceptedCodings(header);
  if (!worthCompressing && accepted.includes('identity')) return 'identity';
  return accepted[0] ?? 'identity';
}

/**
 * The ETag of a body in `coding`. A strong validator names exact bytes (RFC 9110 §8.8.1), so each
 * coding gets its own (`"…-br"`, `"…-gzip"`); the identity body keeps the tag it was given. The
 * suffix stays inside the opaque tag, so an editor's tag still names its revision for If-Match.
 */
export function etagForCoding(etag: string, coding: Coding): string {
  if (coding === 'identity' || !etag.endsWith('"')) return etag;
  return `${etag.slice(0, -1)}-${coding}"`;
}

/** Media types worth compressing: text and JSON. An event stream is never buffered, so never compressed. */
export function isCompressible(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'text/event-stream') return false;
  return (
    type.startsWith('text/') ||
    type.endsWith('+json') ||
    type.endsWith('+xml') ||
    ['application/json', 'application/javascript', 'application/xml', 'application/yaml'].includes(type)
  );
}

/** A Vary value with `name` added once, keeping what is there (`*` already covers everything). */
export function withVary(existing: string | undefined, name: string): string {
  const values = (existing ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (values.includes('*')) return '*';
  if (!values.some((value) => value.toLowerCase() === name.toLowerCase())) values.push(name);
  return values.join(', ');
}
