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
  /** In the mixed row: what the writers measured while the readers were. */
  writes?: DriverResult;
  /** In the mixed row: the readers alone, just before. */
  readsAlone?: DriverResult;
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
    const writes = row.writes ? ` (writes: ${fixed(row.writes.rps)}/s)` : '';
    const times = ratio(row);
    lines.push(
      `| ${row.scenario}${writes}${warn} | ${fixed(row.fjord.rps)} | ${row.fjord.p50} | ${row.fjord.p99} | ${times === null ? '—' : fixed(times, 2)} |`,
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

/** The targets of issue 13, each next to the figure that decides it; a scenario not run is "not measured". */
export function targets(rows: Row[], facts: Facts): Target[] {
  const named = (name: string) => rows.find((r) => r.scenario === name && r.fjord);
  const find = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix) && r.fjord);
  const check = (target: string, figure: string | null, ok: boolean | null): Target => ({
    target,
    figure: figure ?? '—',
    verdict: ok === null ? 'not measured' : ok ? 'met' : 'missed',
  });
  const r = (row: Row | undefined) => (row ? ratio(row) : null);
  const atLeast = (target: string, row: Row | undefined, times: number) => {
    const value = r(row);
    return check(target, value === null ? null : `${fixed(value, 2)}×`, value === null ? null : value >= times);
  };
  const at100k = facts.articles >= 100_000;
  const scale = at100k ? '' : ' (target is at 100,000 articles)';
  const deep = find('list page 5,000 deep');
  const first = named('first list page');
  // The first search row: a reader's query matching a few percent of articles.
  const search = find('search');
  const comment = named('comment POST');
  const revision = named('revision POST');
  const hostile = find('readers under hostile load');
  const shed = hostile?.fjord ? (hostile.fjord.statuses['503'] ?? 0) : null;
  return [
    atLeast('cached article GET ≥ 0.9× ceiling', named('article by slug'), 0.9),
    atLeast('304 on If-None-Match ≥ 1.0× ceiling', named('article by slug, If-None-Match → 304'), 1.0),
    atLeast('uncached article GET ≥ 0.6× ceiling', named('article by slug, cache disabled'), 0.6),
    atLeast('first list page ≥ 0.3× ceiling', first, 0.3),
    atLeast('tag filter ≥ 0.3× ceiling', find('tag filter'), 0.3),
    check(
      `search p99 ≤ 25 ms${scale}`,
      search?.fjord ? `${search.fjord.p99} ms` : null,
      search?.fjord ? search.fjord.p99 <= 25 : null,
    ),
    check(
      'revision POST ≥ 2,000/s',
      revision?.fjord ? `${fixed(revision.fjord.rps)}/s` : null,
      revision?.fjord ? revision.fjord.rps >= 2000 : null,
    ),
    check(
      `comment POST ≥ 3,000/s${scale}`,
      comment?.fjord ? `${fixed(comment.fjord.rps)}/s` : null,
      comment?.fjord ? comment.fjord.rps >= 3000 : null,
    ),
    check(
      `deep cursor p99 ≤ 1.5× first page p99${scale}`,
      deep?.fjord && first?.fjord ? `${deep.fjord.p99} ms vs ${first.fjord.p99} ms` : null,
      deep?.fjord && first?.fjord ? deep.fjord.p99 <= 1.5 * first.fjord.p99 : null,
    ),
    check(
      `readers under hostile load: p99 ≤ 50 ms, no 503${scale}`,
      hostile?.fjord ? `${hostile.fjord.p99} ms, ${shed} × 503` : null,
      hostile?.fjord ? hostile.fjord.p99 <= 50 && shed === 0 : null,
    ),
    check(`cold start ≤ 300 ms${scale}`, `${fixed(facts.coldStartMs)} ms`, facts.coldStartMs <= 300),
    check(
      `peak RSS ≤ 150 MB${scale}`,
      facts.peakRssMb === null ? null : `${fixed(facts.peakRssMb)} MB`,
      facts.peakRssMb === null ? null : facts.peakRssMb <= 150,
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
