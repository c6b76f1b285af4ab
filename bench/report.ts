// The benchmark's results: one row per scenario, printed as a table and as the README's Markdown table.

import type { Scenario } from './scenarios.ts';
import type { WrkFigures } from './wrk.ts';

export interface Side {
  /** Every measured run, in order; the row reports their median. */
  readonly runs: readonly WrkFigures[];
  /** The server's CPU use during each run, in % of one core (about 100: the server was the bottleneck). */
  readonly cpu: readonly number[];
  /** The server's CPU seconds during each run. */
  readonly cpuSeconds: readonly number[];
}

export interface Row {
  readonly scenario: Scenario;
  readonly bytes: number;
  readonly gateway: Side;
  readonly baseline: Side;
  /** Licensed scenarios: the baseline writing the same deliveries to a ledger of its own before answering. */
  readonly ledgerBaseline?: Side;
}

export interface Summary {
  readonly scenario: string;
  readonly label: string;
  readonly status: number;
  readonly bytes: number;
  readonly gatewayRps: number;
  readonly baselineRps: number;
  /** The denominator: the baseline's median, or the slower of it and raw jose verification. */
  readonly versusRps: number;
  readonly ratio: number;
  /**
   * Requests per CPU-second of the server, gateway over baseline: what the ratio would be if each had
   * had its core to itself. On a machine shared with other work it is steadier than the ratio.
   */
  readonly cpuRatio: number;
  readonly target: number;
  readonly met: boolean;
  readonly gatewayP99Ms: number;
  readonly baselineP99Ms: number;
  readonly gatewayCpu: number;
  readonly baselineCpu: number;
  /** Runs with socket errors, or responses of another status than the scenario's. */
  readonly faults: number;
  /** Licensed: the ledger baseline's median, and the gateway's ratio to it (not a target; see the README). */
  readonly ledgerBaselineRps?: number;
  readonly ledgerRatio?: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(row: Row, joseRate: number): Summary {
  const s = row.scenario;
  const g = median(row.gateway.runs.map((r) => r.rps));
  const b = median(row.baseline.runs.map((r) => r.rps));
  const versus = s.versus === 'baseline-or-jose' ? Math.min(b, joseRate) : b;
  const ratio = round(g / versus, 2);
  const perCpu = (side: Side) => median(side.runs.map((r, i) => r.requests / side.cpuSeconds[i]!));
  const cpuRatio = round(perCpu(row.gateway) / perCpu(row.baseline), 2);
  // A refusal scenario answers every request with a non-2xx; the others none.
  const wrong = (f: WrkFigures) => (s.status === 200 ? f.non2xx : f.requests - f.non2xx);
  const faults = [...row.gateway.runs, ...row.baseline.runs, ...(row.ledgerBaseline?.runs ?? [])].reduce((n, f) => n + f.socketErrors + wrong(f), 0);
  const l = row.ledgerBaseline ? median(row.ledgerBaseline.runs.map((r) => r.rps)) : undefined;
  const ledger =
    l === undefined ? {} : { ledgerBaselineRps: Math.round(l), ledgerRatio: round(g / (s.versus === 'baseline-or-jose' ? Math.min(l, joseRate) : l), 2) };
  return {
    scenario: s.name,
    label: s.label,
    status: s.status,
    bytes: row.bytes,
    gatewayRps: Math.round(g),
    baselineRps: Math.round(b),
    versusRps: Math.round(versus),
    ratio,
    cpuRatio,
    target: s.target,
    met: ratio >= s.target,
    gatewayP99Ms: round(median(row.gateway.runs.map((r) => r.p99Ms)), 1),
    baselineP99Ms: round(median(row.baseline.runs.map((r) => r.p99Ms)), 1),
    gatewayCpu: Math.round(median(row.gateway.cpu)),
    baselineCpu: Math.round(median(row.baseline.cpu)),
    faults,
    ...ledger,
  };
}

export function printTable(rows: readonly Summary[]): void {
  console.table(
    rows.map((r) => ({
      scenario: r.label,
      status: r.status,
      KB: round(r.bytes / 1024, 1),
      'gateway req/s': r.gatewayRps,
      'baseline req/s': r.baselineRps,
      ratio: r.ratio,
      'per CPU-s': r.versusRps !== r.baselineRps ? '-' : r.cpuRatio,
      target: `≥ ${r.target}${r.versusRps !== r.baselineRps ? ' (vs jose)' : ''} ${r.met ? 'met' : 'MISSED'}`,
      'p99 ms gw/base': `${r.gatewayP99Ms} / ${r.baselineP99Ms}`,
      'cpu % gw/base': `${r.gatewayCpu} / ${r.baselineCpu}`,
      'base+ledger req/s': r.ledgerBaselineRps ?? '-',
      'ratio vs base+ledger': r.ledgerRatio ?? '-',
      faults: r.faults,
    })),
  );
}

export function markdown(rows: readonly Summary[]): string {
  const lines = [
    '| scenario | status | KB | gateway req/s | baseline req/s | ratio | ratio per CPU-second | target | p99 ms (gateway / baseline) | server CPU % (gateway / baseline) | baseline + ledger req/s | ratio to it |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const versus = r.versusRps !== r.baselineRps ? ` (vs jose ${r.versusRps.toLocaleString('en-US')}/s)` : '';
    lines.push(
      `| ${r.label} | ${r.status} | ${round(r.bytes / 1024, 1)} | ${r.gatewayRps.toLocaleString('en-US')} | ${r.baselineRps.toLocaleString('en-US')} | ${r.ratio.toFixed(2)}${versus} | ${versus ? '–' : r.cpuRatio.toFixed(2)} | ≥ ${r.target} ${r.met ? 'met' : '**missed**'} | ${r.gatewayP99Ms} / ${r.baselineP99Ms} | ${r.gatewayCpu} / ${r.baselineCpu} | ${r.ledgerBaselineRps?.toLocaleString('en-US') ?? '–'} | ${r.ledgerRatio?.toFixed(2) ?? '–'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function round(n: number, digits: number): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}
