/**
 * Runs one autocannon measurement in a process of its own, so the load generator's work does not
 * share an event loop with the benchmark's bookkeeping, and prints the result as one JSON line.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface DriverTask {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  connections: number;
  duration: number;
  /** `comment`: every request posts a comment with its own body and e-mail, as readers do. */
  /** `revision`: every request posts a revision of another article against its current head. */
  /**
   * `writes`: each connection posts in turn a revision (as `revision`), a comment on `slug` (as
   * `comment`), and a moderator's approval of a pending comment, with `headers` carrying an admin token.
   */
  body?: 'comment' | 'revision' | 'writes';
  /** With `revision` and `writes`: the database to read articles, heads and pending comments from (a SQLite file or a postgres:// URL). */
  database?: string;
  /** With `writes`: the article comments are posted on. */
  slug?: string;
  /** At most this many requests per second in all (autocannon's overallRate); unbounded when absent. */
  overallRate?: number;
  /** With `revision`: revise only every `of`-th article from the `index`-th, so drivers running side by side never share one. */
  share?: { index: number; of: number };
  /** GET these paths of `url` in turn, instead of `url` itself. */
  paths?: string[];
}

export interface DriverResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

const task = JSON.parse(process.argv[2] ?? '{}') as DriverTask;
const run = randomBytes(4).toString('hex');
let n = 0;

/**
 * Rows of `query` (which has no ORDER BY nor LIMIT) from the task's database, in one order for every
 * driver, of which this driver keeps its share: drivers side by side take every `of`-th row of one list.
 */
async function sharedRows<T>(query: string, order: string): Promise<T[]> {
  let rows: T[];
  if (/^postgres(ql)?:\/\//i.test(task.database ?? '')) {
    const client = new pg.Client({ connectionString: task.database });
    await client.connect();
    rows = (await client.query(`${query} order by ${order} limit 5000`)).rows as T[];
    await client.end();
  } else {
    const db = new Database(task.database ?? '', { readonly: true });
    rows = db.prepare(`${query} order by ${order} limit 5000`).all() as T[];
    db.close();
  }
  const { index, of } = task.share ?? { index: 0, of: 1 };
  return rows.filter((_, i) => i % of === index);
}

/** Articles to revise, each with its current head, which the requests advance. */
const revisable = () =>
  sharedRows<{ id: string; head: number }>(
    "select id, head_revision as head from articles where status != 'archived'",
    'id',
  );

/** The next revision of the next article, against the head this driver last wrote. */
function nextRevision(heads: { id: string; head: number }[]) {
  const article = heads[n++ % heads.length];
  if (!article) throw new Error('the database has no article to revise');
  const base = article.head;
  article.head += 1;
  return {
    path: `/v1/articles/${article.id}/revisions`,
    body: JSON.stringify({ base_revision: base, body: `Révision ${run}-${n} du corps de l’article.` }),
  };
}

/**
 * Editors revise many articles at once: requests go round-robin over thousands of articles, each
 * against the head this driver last wrote, so concurrent requests never share a base.
 */
async function revisionRequests(): Promise<autocannon.Request[]> {
  const heads = await revisable();
  return [{ setupRequest: (request) => ({ ...request, ...nextRevision(heads) }) }];
}

/** A reader's comment: its own body and e-mail each time. */
function nextComment() {
  n += 1;
  return JSON.stringify({
    author_name: `Lecteur ${n}`,
    author_email: `lecteur.${run}.${n}@exemple.fr`,
    body: `Commentaire ${run}-${n} : merci pour cet article sur la souveraineté numérique.`,
  });
}

/** The newsroom's writes in turn: a revision, a reader's comment, a moderator's approval of a pending comment. */
async function writeRequests(): Promise<autocannon.Request[]> {
  const heads = await revisable();
  const pending = await sharedRows<{ id: number }>("select id from comments where status = 'pending'", 'id');
  let approved = 0;
  const json: Record<string, string> = { ...task.headers, 'content-type': 'application/json' };
  const anonymous = { 'content-type': 'application/json' };
  return [
    { setupRequest: (request) => ({ ...request, method: 'POST', headers: json, ...nextRevision(heads) }) },
    {
      setupRequest: (request) => ({
        ...request,
        method: 'POST',
        headers: anonymous,
        path: `/v1/articles/${task.slug ?? ''}/comments`,
        body: nextComment(),
      }),
    },
    {
      setupRequest: (request) => {
        const comment = pending[approved++ % pending.length];
        if (!comment) throw new Error('the database has no pending comment to approve');
        return {
          ...request,
          method: 'PATCH',
          headers: json,
          path: `/v1/comments/${comment.id}`,
          body: JSON.stringify({ status: 'approved', note: 'Relu.' }),
        };
      },
    },
  ];
}

/** Each request takes the next path, so one client can mix requests, or defeat a response cache. */
function pathRequests(paths: string[]): autocannon.Request[] {
  return [
    {
      setupRequest: (request) => ({ ...request, path: paths[n++ % paths.length] ?? '/' }),
    },
  ];
}

const result = await autocannon({
  url: task.url,
  connections: task.connections,
  duration: task.duration,
  headers: task.headers,
  method: task.method,
  ...(task.overallRate ? { overallRate: task.overallRate } : {}),
  requests: task.paths
    ? pathRequests(task.paths)
    : task.body === 'revision'
      ? await revisionRequests()
      : task.body === 'writes'
        ? await writeRequests()
        : task.body === 'comment'
          ? [{ setupRequest: (request) => ({ ...request, body: nextComment() }) }]
          : undefined,
});

const statuses: Record<string, number> = {};
for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
const output: DriverResult = {
  requests: result.requests.total,
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  statuses,
  errors: result.errors,
  timeouts: result.timeouts,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
