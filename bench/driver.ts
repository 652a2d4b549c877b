/**
 * Runs one autocannon measurement in a process of its own, so the load generator's work does not
 * share an event loop with the benchmark's bookkeeping, and prints the result as one JSON line.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';

export interface DriverTask {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  connections: number;
  duration: number;
  /** `comment`: every request posts a comment with its own body and e-mail, as readers do. */
  body?: 'comment';
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

const result = await autocannon({
  url: task.url,
  connections: task.connections,
  duration: task.duration,
  headers: task.headers,
  method: task.method,
  requests:
    task.body === 'comment'
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
