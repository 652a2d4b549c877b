/**
 * The "95% reads, 5% writes" row: readers (an article, the first list page, a tag page, the
 * article's approved comments, all on the server as configured, response cache included) measured
 * while the newsroom writes at one request for every 19 reads: revisions, readers' comments and
 * moderators' approvals in turn, each write purging what it changes.
 */
import type { DriverResult, DriverTask } from './driver.js';
import { output } from './processes.js';

export const MIXED_ROW = '95% reads, 5% writes (revisions, comments, approvals): reads';

/** The share of requests that write. */
export const WRITE_SHARE = 0.05;

/** Connections sending the writes; the others read. */
const WRITE_CONNECTIONS = 2;

/** How long the readers run alone first, to learn the rate the writes are set against. */
const CALIBRATION_S = 3;

const drive = async (task: DriverTask) =>
  JSON.parse(await output(['--import', 'tsx', 'bench/driver.ts', JSON.stringify(task)])) as DriverResult;

export interface MixedRun {
  /** What the readers saw under the writes. */
  readers: DriverResult;
  writers: DriverResult;
  /** The readers alone, just before: the rate the writes were set from, and a p99 to compare. */
  alone: DriverResult;
}

export async function readersUnderWrites(
  url: string,
  {
    adminToken,
    slug,
    tag,
    database,
    connections,
    duration,
  }: { adminToken: string; slug: string; tag: string; database: string; connections: number; duration: number },
): Promise<MixedRun> {
  const readers: DriverTask = {
    url,
    method: 'GET',
    headers: {},
    connections: Math.max(1, connections - WRITE_CONNECTIONS),
    duration,
    paths: [`/v1/articles/${slug}`, '/v1/articles', `/v1/articles?tag=${tag}`, `/v1/articles/${slug}/comments`],
  };
  const alone = await drive({ ...readers, duration: Math.min(CALIBRATION_S, duration) });
  const overallRate = Math.max(1, Math.round((alone.rps * WRITE_SHARE) / (1 - WRITE_SHARE)));
  const [underWrites, writers] = await Promise.all([
    drive(readers),
    drive({
      url,
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      connections: WRITE_CONNECTIONS,
      duration,
      body: 'writes',
      database,
      slug,
      overallRate,
    }),
  ]);
  return { readers: underWrites, writers, alone };
}

/** Writes answered otherwise than a revision (201), a comment (202) or an approval (200) are. */
export function unexpectedWrites(writers: DriverResult): number {
  const expected = ['200', '201', '202'].reduce((sum, code) => sum + (writers.statuses[code] ?? 0), 0);
  return writers.requests - expected + writers.errors + writers.timeouts;
}
