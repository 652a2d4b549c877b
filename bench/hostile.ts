/**
 * The "readers under hostile load" row: ordinary readers (an article by slug and a list page, both
 * cached) measured while a few clients send the costliest searches and revision diffs the limits
 * still allow, on a server with its usual load shedding.
 */
import type { DriverResult, DriverTask } from './driver.js';
import { output, type Started } from './processes.js';

/** Clients sending the costly requests. */
export const HOSTILE_CLIENTS = 4;

/** Two-letter prefixes of the most common French words: each expands to many indexed words. */
const PREFIXES = ['de', 'la', 'le', 'co', 'pa', 're', 'pr', 'ma', 'ce', 'en', 'un', 'se', 'po', 'qu', 'et', 'su'];

/**
 * Searches at the limits (4 short prefixes, the largest page), each URL different so that no
 * response cache can answer them, with and without a language filter (the joined plan).
 */
export function costlySearches(count: number): string[] {
  const paths: string[] = [];
  for (let i = 0; paths.length < count; i++) {
    const terms = [0, 1, 2, 3].map((k) => PREFIXES[(i * 7 + k * 5) % PREFIXES.length]);
    const q = encodeURIComponent(terms.map((t) => `${t}*`).join(' '));
    const limit = 25 - (i % 25);
    paths.push(`/v1/articles?q=${q}&limit=${limit}${i % 2 ? '&lang=fr' : ''}`);
  }
  return paths;
}

/**
 * Two revisions whose diff is the costliest the bounds still compute in full: close to 20,000
 * lines and 200,000 characters in all, with 248 lines (496 line edits, 496 word edits) changed.
 */
export function costlyBodies(): [string, string] {
  const lines = Array.from({ length: 9900 }, (_, i) => `l${i} mot.`);
  const changed = lines.map((line, i) => (i % 40 === 0 ? line.replace('mot', 'mots') : line));
  return [lines.join('\n'), changed.join('\n')];
}

async function send(url: string, token: string, path: string, body: object): Promise<{ id: string }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/** Creates the article with two big revisions; returns the diff paths to request. */
export async function costlyDiffs(url: string, token: string): Promise<string[]> {
  const [before, after] = costlyBodies();
  const article = await send(url, token, '/v1/articles', { title: 'Révisions longues', lang: 'fr', body: before });
  await send(url, token, `/v1/articles/${article.id}/revisions`, { base_revision: 1, body: after });
  return [`/v1/articles/${article.id}/revisions/2/diff`, `/v1/articles/${article.id}/revisions/2/diff?to=1`];
}

const drive = async (task: DriverTask) =>
  JSON.parse(await output(['--import', 'tsx', 'bench/driver.ts', JSON.stringify(task)])) as DriverResult;

/** Readers and attackers at once, for `duration` seconds; returns what the readers saw and the attackers' statuses. */
export async function readersUnderHostileLoad(
  server: Started,
  { token, slug, connections, duration }: { token: string; slug: string; connections: number; duration: number },
): Promise<{ readers: DriverResult; attackers: DriverResult }> {
  const diffs = await costlyDiffs(server.url, token);
  const searches = costlySearches(400);
  const attackPaths = searches.flatMap((search, i) => [search, diffs[i % diffs.length] as string]);
  const [readers, attackers] = await Promise.all([
    drive({
      url: server.url,
      method: 'GET',
      headers: {},
      connections,
      duration,
      paths: [`/v1/articles/${slug}`, '/v1/articles'],
    }),
    drive({
      url: server.url,
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
      connections: HOSTILE_CLIENTS,
      duration,
      paths: attackPaths,
    }),
  ]);
  return { readers, attackers };
}
