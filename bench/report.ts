import type { DriverResult } from './driver.js';

export interface Row {
  scenario: string;
  fjord: DriverResult | null;
  ceiling: DriverResult | null;
  /** Why the scenario was not measured. */
  unavailable?: string;
  /** Responses with another status than expected, or socket errors: a figure to distrust. */
  unexpected?: number;
  /** In the hostile row: the statuses the attacking clients got. */
  attackers?: Record<string, number>;
}

export interface Facts {
  articles: number;
  coldStartMs: number;
  peakRssMb: number | null;
}

const fixed = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (row: Row) => (row.fjord && row.ceiling ? row.fjord.rps / row.ceiling.rps : null);

export function table(rows: Row[], facts: Facts): string {
  const lines = ['| scenario | req/s | p50 ms | p99 ms | × ceiling |', '| --- | ---: | ---: | ---: | ---: |'];
  const ceiling = rows.find((r) => r.ceiling)?.ceiling;
  if (ceiling)
    lines.push(
      `| ceiling (bare Fastify, same bytes) | ${fixed(ceiling.rps)} | ${ceiling.p50} | ${ceiling.p99} | 1.00 |`,
    );
  for (const row of rows) {
    if (!row.fjord) {
      lines.push(`| ${row.scenario} | not available: ${row.unavailable ?? 'not measured'} | | | |`);
      continue;
    }
    const warn = row.unexpected ? ` ⚠ ${row.unexpected} unexpected responses` : '';
    const times = ratio(row);
    lines.push(
      `| ${row.scenario}${warn} | ${fixed(row.fjord.rps)} | ${row.fjord.p50} | ${row.fjord.p99} | ${times === null ? '—' : fixed(times, 2)} |`,
    );
  }
  lines.push(
    '',
    `cold start: ${fixed(facts.coldStartMs)} ms · peak RSS: ${facts.peakRssMb === null ? 'n/a' : `${fixed(facts.peakRssMb)} MB`}`,
  );
  return lines.join('\n');
}

export interface Target {
  target: string;
  figure: string;
  verdict: 'met' | 'missed' | 'not measured';
}

/** The targets of issue 5, each next to the figure that decides it. */
export function targets(rows: Row[], facts: Facts): Target[] {
  const find = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix) && r.fjord);
  const check = (target: string, figure: string | null, ok: boolean | null): Target => ({
    target,
    figure: figure ?? '—',
    verdict: ok === null ? 'not measured' : ok ? 'met' : 'missed',
  });
  const article = find('article by slug');
  const uncached = rows.find((r) => r.scenario === 'article by slug, cache disabled' && r.fjord) ?? article;
  const first = find('first list page');
  const deep = find('list page 5,000 deep');
  const search = find('search');
  const comment = find('comment POST');
  const revision = find('revision POST');
  const hostile = find('readers under hostile load');
  const shed = hostile?.fjord ? (hostile.fjord.statuses['503'] ?? 0) : null;
  const r = (row: Row | undefined) => (row ? ratio(row) : null);
  const at100k = facts.articles >= 100_000;
  return [
    check(
      'cached article GET ≥ 0.8× ceiling',
      r(article) === null ? null : `${fixed(r(article) ?? 0, 2)}×`,
      r(article) === null ? null : (r(article) ?? 0) >= 0.8,
    ),
    check(
      'uncached article GET ≥ 0.5× ceiling',
      r(uncached) === null ? null : `${fixed(r(uncached) ?? 0, 2)}×`,
      r(uncached) === null ? null : (r(uncached) ?? 0) >= 0.5,
    ),
    check(
      'first list page ≥ 0.5× ceiling',
      r(first) === null ? null : `${fixed(r(first) ?? 0, 2)}×`,
      r(first) === null ? null : (r(first) ?? 0) >= 0.5,
    ),
    check(
      `deep cursor p99 ≤ 1.5× first page p99${at100k ? '' : ' (target is at 100,000 articles)'}`,
      deep?.fjord && first?.fjord ? `${deep.fjord.p99} ms vs ${first.fjord.p99} ms` : null,
      deep?.fjord && first?.fjord ? deep.fjord.p99 <= 1.5 * first.fjord.p99 : null,
    ),
    check(
      `search p99 ≤ 25 ms${at100k ? '' : ' (target is at 100,000 articles)'}`,
      search?.fjord ? `${search.fjord.p99} ms` : null,
      search?.fjord ? search.fjord.p99 <= 25 : null,
    ),
    check(
      'comment POST ≥ 2,000/s',
      comment?.fjord ? `${fixed(comment.fjord.rps)}/s` : null,
      comment?.fjord ? comment.fjord.rps >= 2000 : null,
    ),
    check(
      'revision POST ≥ 1,000/s',
      revision?.fjord ? `${fixed(revision.fjord.rps)}/s` : null,
      revision?.fjord ? revision.fjord.rps >= 1000 : null,
    ),
    check(
      `readers under hostile load: p99 ≤ 50 ms, no 503${at100k ? '' : ' (target is at 100,000 articles)'}`,
      hostile?.fjord ? `${hostile.fjord.p99} ms, ${shed} × 503` : null,
      hostile?.fjord ? hostile.fjord.p99 <= 50 && shed === 0 : null,
    ),
    check('cold start ≤ 500 ms', `${fixed(facts.coldStartMs)} ms`, facts.coldStartMs <= 500),
    check(
      `peak RSS ≤ 250 MB${at100k ? '' : ' (target is at 100,000 articles)'}`,
      facts.peakRssMb === null ? null : `${fixed(facts.peakRssMb)} MB`,
      facts.peakRssMb === null ? null : facts.peakRssMb <= 250,
    ),
  ];
}

export function targetTable(list: Target[]): string {
  return [
    '| target | figure | verdict |',
    '| --- | --- | --- |',
    ...list.map((t) => `| ${t.target} | ${t.figure} | ${t.verdict} |`),
  ].join('\n');
}
