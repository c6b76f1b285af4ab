// The benchmark's results: one row per scenario, printed as a table and as the README's Markdown table.

import type { Scenario } from './scenarios.ts';
import type { WrkFigures } from './wrk.ts';

/** One measured run of one server: wrk's figures and what the server's process and core did meanwhile. */
export interface Run extends WrkFigures {
  /** The server's CPU use, in % of one core (alone on the core about 100, side by side about 50). */
  readonly cpu: number;
  /** The server's CPU seconds. */
  readonly cpuSeconds: number;
  /** Steal on the server's core (the hypervisor ran another guest), in % of the run. */
  readonly steal: number;
}

/** One server's runs, one a round: run i of one side pairs with run i of the other. */
export type Side = readonly Run[];

export interface Row {
  readonly scenario: Scenario;
  readonly bytes: number;
  readonly gateway: Side;
  readonly baseline: Side;
  /**
   * Licensed scenarios: the baseline writing the same deliveries to a ledger of its own before answering,
   * and the gateway runs each of its runs pairs with (side by side, a pairing of their own).
   */
  readonly ledger?: { readonly baseline: Side; readonly gateway: Side };
}

export interface Summary {
  readonly scenario: string;
  readonly label: string;
  readonly status: number;
  readonly bytes: number;
  readonly gatewayRps: number;
  readonly baselineRps: number;
  /** The denominator: the baseline's median, or the slower of it and raw jose verification on the gateway's share of the core. */
  readonly versusRps: number;
  /** The median over the rounds of gateway ÷ baseline (or the slower of baseline and jose) in that round. */
  readonly ratio: number;
  /** The lowest and highest of the rounds' ratios. */
  readonly ratioRange: readonly [number, number];
  /** The gateway's median ÷ the baseline's median: the figure of the earlier rounds, unpaired. */
  readonly ratioOfMedians: number;
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
  /** The most steal on the server's core in any run of the row, in % of the run. */
  readonly stealMax: number;
  /** Licensed: the ledger baseline's median, and the median of the rounds' gateway ÷ it (not a target; see the README). */
  readonly ledgerBaselineRps?: number;
  readonly ledgerRatio?: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * `joseFor(run)`: the verifications a second raw jose would manage with the share of the core the gateway
 * had in that run (alone on the core, jose's whole-core rate; side by side, that rate times the gateway's
 * CPU share, about half). The 1,000-token rows are held to the slower of it and the baseline.
 */
export function summarize(row: Row, joseFor: (gatewayRun: Run) => number): Summary {
  const s = row.scenario;
  const rates = (side: Side) => side.map((r) => r.rps);
  const versusOf = (rate: number, gatewayRun: Run) => (s.versus === 'baseline-or-jose' ? Math.min(rate, joseFor(gatewayRun)) : rate);
  const g = median(rates(row.gateway));
  const b = median(rates(row.baseline));
  const versus = s.versus === 'baseline-or-jose' ? Math.min(b, median(row.gateway.map(joseFor))) : b;
  // Round i's gateway run against round i's run of the other side: the same stretch of the machine.
  const paired = (gateway: Side, other: Side) => gateway.map((r, i) => r.rps / versusOf(other[i]!.rps, r));
  const rounds = paired(row.gateway, row.baseline);
  const ratio = round(median(rounds), 2);
  const perCpu = (r: Run) => r.requests / r.cpuSeconds;
  const cpuRatio = round(median(row.gateway.map((r, i) => perCpu(r) / perCpu(row.baseline[i]!))), 2);
  // A refusal scenario answers every request with a non-2xx; the others none.
  const wrong = (f: WrkFigures) => (s.status === 200 ? f.non2xx : f.requests - f.non2xx);
  const all = [row.gateway, row.baseline, ...(row.ledger ? [row.ledger.baseline, row.ledger.gateway] : [])].flat();
  const ledger = row.ledger
    ? { ledgerBaselineRps: Math.round(median(rates(row.ledger.baseline))), ledgerRatio: round(median(paired(row.ledger.gateway, row.ledger.baseline)), 2) }
    : {};
  return {
    scenario: s.name,
    label: s.label,
    status: s.status,
    bytes: row.bytes,
    gatewayRps: Math.round(g),
    baselineRps: Math.round(b),
    versusRps: Math.round(versus),
    ratio,
    ratioRange: [round(Math.min(...rounds), 2), round(Math.max(...rounds), 2)],
    ratioOfMedians: round(g / versus, 2),
    cpuRatio,
    target: s.target,
    met: ratio >= s.target,
    gatewayP99Ms: round(median(row.gateway.map((r) => r.p99Ms)), 1),
    baselineP99Ms: round(median(row.baseline.map((r) => r.p99Ms)), 1),
    gatewayCpu: Math.round(median(row.gateway.map((r) => r.cpu))),
    baselineCpu: Math.round(median(row.baseline.map((r) => r.cpu))),
    faults: all.reduce((n, f) => n + f.socketErrors + wrong(f), 0),
    stealMax: Math.max(0, ...all.map((r) => r.steal).filter(Number.isFinite)),
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
      "rounds' range": `${r.ratioRange[0]}–${r.ratioRange[1]}`,
      'ratio of medians': r.ratioOfMedians,
      'per CPU-s': r.versusRps !== r.baselineRps ? '-' : r.cpuRatio,
      target: `≥ ${r.target}${r.versusRps !== r.baselineRps ? ' (vs jose)' : ''} ${r.met ? 'met' : 'MISSED'}`,
      'p99 ms gw/base': `${r.gatewayP99Ms} / ${r.baselineP99Ms}`,
      'cpu % gw/base': `${r.gatewayCpu} / ${r.baselineCpu}`,
      'base+ledger req/s': r.ledgerBaselineRps ?? '-',
      'ratio vs base+ledger': r.ledgerRatio ?? '-',
      'steal % max': r.stealMax,
      faults: r.faults,
    })),
  );
}

export function markdown(rows: readonly Summary[]): string {
  const lines = [
    "| scenario | status | KB | gateway req/s | baseline req/s | ratio (median of rounds) | rounds' range | ratio of medians | ratio per CPU-second | target | p99 ms (gateway / baseline) | server CPU % (gateway / baseline) | baseline + ledger req/s | ratio to it |",
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const versus = r.versusRps !== r.baselineRps ? ` (vs jose ${r.versusRps.toLocaleString('en-US')}/s)` : '';
    lines.push(
      `| ${r.label} | ${r.status} | ${round(r.bytes / 1024, 1)} | ${r.gatewayRps.toLocaleString('en-US')} | ${r.baselineRps.toLocaleString('en-US')} | ${r.ratio.toFixed(2)}${versus} | ${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)} | ${r.ratioOfMedians.toFixed(2)} | ${versus ? '–' : r.cpuRatio.toFixed(2)} | ≥ ${r.target} ${r.met ? 'met' : '**missed**'} | ${r.gatewayP99Ms} / ${r.baselineP99Ms} | ${r.gatewayCpu} / ${r.baselineCpu} | ${r.ledgerBaselineRps?.toLocaleString('en-US') ?? '–'} | ${r.ledgerRatio?.toFixed(2) ?? '–'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function round(n: number, digits: number): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}
