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
  body?: 'comment' | 'revision';
  /** With `revision`: the database to read the articles and their heads from (a SQLite file or a postgres:// URL). */
  database?: string;
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
 * Editors revise many articles at once: requests go round-robin over thousands of articles, each
 * against the head this driver last wrote, so concurrent requests never share a base.
 */
async function revisionRequests(): Promise<autocannon.Request[]> {
  const query = "select id, head_revision as head from articles where status != 'archived'";
  let rows: { id: string; head: number }[];
  if (/^postgres(ql)?:\/\//i.test(task.database ?? '')) {
    const client = new pg.Client({ connectionString: task.database });
    await client.connect();
    // In one order for every driver: drivers side by side take every `of`-th row of the same list.
    rows = (await client.query<{ id: string; head: number }>(`${query} order by id limit 5000`)).rows;
    await client.end();
  } else {
    const db = new Database(task.database ?? '', { readonly: true });
    rows = db.prepare(`${query} limit 5000`).all() as { id: string; head: number }[];
    db.close();
  }
  const { index, of } = task.share ?? { index: 0, of: 1 };
  const heads = rows.filter((_, i) => i % of === index);
  return [
    {
      setupRequest: (request) => {
        const article = heads[n++ % heads.length];
        if (!article) throw new Error('the database has no article to revise');
        const base = article.head;
        article.head += 1;
        return {
          ...request,
          path: `/v1/articles/${article.id}/revisions`,
          body: JSON.stringify({ base_revision: base, body: `Révision ${run}-${n} du corps de l’article.` }),
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
  requests: task.paths
    ? pathRequests(task.paths)
    : task.body === 'revision'
      ? await revisionRequests()
      : task.body === 'comment'
        ? [
            {
              setupRequest: (request) => {
                n += 1;
                return {
                  ...request,
                  body: JSON.stringify({
                    author_name: `Lecteur ${n}`,
                    author_email: `lecteur.${run}.${n}@exemple.fr`,
                    body: `Commentaire ${run}-${n} : merci pour cet article sur la souveraineté numérique.`,
                  }),
                };
              },
            },
          ]
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
