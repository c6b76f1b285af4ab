// The benchmark's arithmetic (bench/report.ts): round i of the gateway is set against round i of the
// baseline, the denominator of a 1,000-token row is the slower of the baseline and jose in that round,
// and the unpaired ratio of medians is kept beside the paired figure.
import { describe, expect, it } from 'vitest';
import { summarize, type Row, type Side } from '../../bench/report.ts';
import type { Scenario } from '../../bench/scenarios.ts';

const scenario: Scenario = { name: 's', label: 's', catalog: 'seed', path: '/', status: 200, versus: 'baseline', target: 0.85 };

function sideOf(rates: readonly number[], steal = 0): Side {
  return rates.map((rps) => ({ rps, requests: rps * 2, p50Ms: 1, p99Ms: 2, non2xx: 0, socketErrors: 0, cpu: 100, cpuSeconds: 2, steal }));
}

describe('bench report', () => {
  it('pairs each round of the gateway with the same round of the baseline', () => {
    // Rounds 1.0, 0.8, 0.625: their median is 0.8; the medians' ratio (5 / 8) is not.
    const row: Row = { scenario, bytes: 1, gateway: sideOf([10, 4, 5]), baseline: sideOf([10, 5, 8]) };
    const s = summarize(row, () => Number.POSITIVE_INFINITY);
    expect(s.ratio).toBe(0.8);
    expect(s.ratioRange).toEqual([0.63, 1]);
    expect(s.ratioOfMedians).toBe(0.63);
    expect(s.cpuRatio).toBe(0.8);
    expect(s.met).toBe(false);
    expect(s.faults).toBe(0);
  });

  it('holds a 1,000-token row to the slower of the baseline and jose, round by round', () => {
    const row: Row = {
      scenario: { ...scenario, versus: 'baseline-or-jose', target: 0.8 },
      bytes: 1,
      gateway: sideOf([9, 9, 9]),
      baseline: sideOf([8, 20, 30]),
    };
    const s = summarize(row, () => 10);
    // Rounds: 9/8, 9/10, 9/10.
    expect(s.ratio).toBe(0.9);
    expect(s.ratioRange).toEqual([0.9, 1.13]);
    expect(s.versusRps).toBe(10);
    expect(s.met).toBe(true);
  });

  it('side by side, holds the gateway to what jose manages on the share of the core the gateway had', () => {
    const half = sideOf([9, 9, 9]).map((r) => ({ ...r, cpu: 50 }));
    const row: Row = { scenario: { ...scenario, versus: 'baseline-or-jose', target: 0.8 }, bytes: 1, gateway: half, baseline: sideOf([30, 30, 30]) };
    // jose verifies 10 a second on a whole core, 5 on the half the gateway had: 9 / 5.
    const s = summarize(row, (r) => (10 * r.cpu) / 100);
    expect(s.ratio).toBe(1.8);
    expect(s.versusRps).toBe(5);
  });

  it('pairs the ledger baseline with its own gateway runs, counts faults and reports the most steal', () => {
    const gateway = sideOf([6, 3, 6]);
    const faulty = gateway.map((r, i) => (i === 1 ? { ...r, non2xx: 2, socketErrors: 1 } : r));
    const row: Row = {
      scenario,
      bytes: 1,
      gateway: sideOf([9, 9, 9]),
      baseline: sideOf([10, 10, 10]),
      // Rounds 0.75, 0.75, 1; against the plain gateway runs it would be 1.5 and up.
      ledger: { baseline: sideOf([8, 4, 6], 7.5), gateway: faulty },
    };
    const s = summarize(row, () => Number.POSITIVE_INFINITY);
    expect(s.ratio).toBe(0.9);
    expect(s.ledgerRatio).toBe(0.75);
    expect(s.ledgerBaselineRps).toBe(6);
    expect(s.faults).toBe(3);
    expect(s.stealMax).toBe(7.5);
  });
});
