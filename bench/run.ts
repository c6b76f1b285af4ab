// `npm run bench`: every scenario against the gateway and, in the same run, against a bare Hono app
// serving the same bytes; the ratio of their medians is the figure (absolute rates vary by machine).
// The server under test runs on one core, wrk (C, one thread, 50 connections) on the other.
// Prints a table and writes build/bench.json and build/bench.md (the README's table).
//
//   BENCH_SECONDS  length of each measured run (default 5)      BENCH_RUNS     runs per side (default 3)
//   BENCH_STORIES  synthetic catalog size (default 10,000)      BENCH_ONLY     scenario names, comma-separated

import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { BENCH_DIR, credentials, seedCatalog, syntheticCatalog } from './catalogs.ts';
import { startGateway } from './gateway.ts';
import { markdown, printTable, round, summarize, type Row, type Side } from './report.ts';
import { capture, scenarios, type CatalogName, type Captured, type Scenario } from './scenarios.ts';
import { cpuSeconds, spawnServer, type Server } from './servers.ts';
import { workerBundle } from './worker.ts';
import { pinned, runWrk, wrkMissing } from './wrk.ts';

const SECONDS = positive('BENCH_SECONDS', 5);
const RUNS = positive('BENCH_RUNS', 3);
const STORIES = positive('BENCH_STORIES', 10_000);
const ONLY = process.env['BENCH_ONLY']?.split(',').filter(Boolean);
const CONNECTIONS = 50;
const WARMUP_SECONDS = 1;
const PORTS = { seed: 18786, synth: 18787, baseline: 18788 } as const;

const missing = wrkMissing();
if (missing) {
  console.error(`bench: ${missing}`);
  process.exit(1);
}
// Server on core 0, wrk (and this process, idle while wrk runs) on core 1; unpinned on one core.
const PIN = existsSync('/usr/bin/taskset') && cpus().length > 1;
const SERVER_CORE = PIN ? 0 : undefined;
const LOAD_CORE = PIN ? 1 : undefined;
if (PIN) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
if (!PIN) console.warn('bench: fewer than 2 cores or no taskset: server and wrk share the CPU, ratios are less telling');

const loadBefore = loadavg()[0]!;

// 1. Catalogs, credentials, the gateways.
const seed = seedCatalog();
const synth = syntheticCatalog(STORIES);
const creds = await credentials([seed, synth]);
const gateways: Record<CatalogName, Server> = {
  seed: await startGateway(seed, { port: PORTS.seed, core: SERVER_CORE, receiptSecret: 'bench-secret' }),
  synth: await startGateway(synth, { port: PORTS.synth, core: SERVER_CORE, receiptSecret: 'bench-secret' }),
};
const list = scenarios(synth, creds).filter((s) => !ONLY || ONLY.includes(s.name));

// 2. The exact bytes of each scenario, served by the baseline.
const captured: Record<string, Captured> = {};
for (const s of list) captured[s.name] = await capture(gateways[s.catalog].url, s);
mkdirSync(BENCH_DIR, { recursive: true });
const capturedFile = join(BENCH_DIR, 'captured.json');
writeFileSync(capturedFile, JSON.stringify(captured));
const baseline = await spawnServer('node', ['--import', 'tsx', 'bench/baseline.ts', capturedFile], {
  port: PORTS.baseline, readyPath: '/healthz', ...(SERVER_CORE === undefined ? {} : { core: SERVER_CORE }),
});

// 3. Load: per scenario a warm-up of each side, then gateway and baseline runs in turn, so drift in
// the machine's load hits both alike.
async function measure(server: Server, path: string, s: Scenario, seconds: number): Promise<[Side['runs'][number], number, number]> {
  const before = cpuSeconds(server.pid);
  const t0 = performance.now();
  const figures = await runWrk({
    url: `${server.url}${path}`, seconds, connections: CONNECTIONS,
    ...(s.auth === undefined ? {} : { auth: s.auth }),
    ...(s.authFile === undefined ? {} : { authFile: s.authFile }),
    ...(LOAD_CORE === undefined ? {} : { core: LOAD_CORE }),
  });
  const used = cpuSeconds(server.pid) - before;
  return [figures, round((100 * used) / ((performance.now() - t0) / 1000), 0), used];
}
const rows: Row[] = [];
for (const s of list) {
  const gw = gateways[s.catalog];
  const basePath = `/${s.name}`;
  // The baseline answers with fixed bytes whatever the header; it gets the same request headers anyway.
  await measure(gw, s.path, s, WARMUP_SECONDS);
  await measure(baseline, basePath, s, WARMUP_SECONDS);
  const g: { runs: Side['runs'][number][]; cpu: number[]; cpuSeconds: number[] } = { runs: [], cpu: [], cpuSeconds: [] };
  const b: { runs: Side['runs'][number][]; cpu: number[]; cpuSeconds: number[] } = { runs: [], cpu: [], cpuSeconds: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const [side, server, path] of [[g, gw, s.path], [b, baseline, basePath]] as const) {
      const [figures, cpu, used] = await measure(server, path, s, SECONDS);
      side.runs.push(figures);
      side.cpu.push(cpu);
      side.cpuSeconds.push(used);
    }
  }
  rows.push({ scenario: s, bytes: Buffer.byteLength(captured[s.name]!.body), gateway: g, baseline: b });
  process.stderr.write(`bench: ${s.name} done\n`);
}
const startMs = { seed: Math.round(gateways.seed.startMs), synth: Math.round(gateways.synth.startMs) };
await Promise.all([gateways.seed.stop(), gateways.synth.stop(), baseline.stop()]);

// 4. Raw jose verification on the server's core: the ceiling of the distinct-token scenarios.
const jwkFile = join(BENCH_DIR, 'bench-public.jwk.json');
writeFileSync(jwkFile, JSON.stringify(creds.publicJwk));
const [joseCmd, joseArgs] = pinned(SERVER_CORE, 'node', ['--import', 'tsx', 'bench/jose-rate.ts', jwkFile, creds.poolFile, String(Math.min(SECONDS, 3))]);
const joseRate = Number(execFileSync(joseCmd, joseArgs, { encoding: 'utf8' }).trim());

// 5. The Worker bundle.
const bundle = workerBundle(join(BENCH_DIR, 'worker'));

const summaries = rows.map((r) => summarize(r, joseRate));
const report = {
  when: new Date().toISOString(),
  machine: { cores: cpus().length, model: cpus()[0]?.model, pinned: PIN, node: process.version, loadAverage: [round(loadBefore, 1), round(loadavg()[0]!, 1)] },
  settings: { seconds: SECONDS, runs: RUNS, connections: CONNECTIONS, stories: STORIES, generator: 'wrk -t1' },
  scenarios: summaries,
  runs: rows.map((r) => ({ scenario: r.scenario.name, gateway: r.gateway, baseline: r.baseline })),
  jose: { es256VerifyPerSecond: joseRate },
  worker: bundle,
  startup: { seedToFirst200Ms: startMs.seed, synthToFirst200Ms: startMs.synth },
};
writeFileSync('build/bench.json', `${JSON.stringify(report, null, 2)}\n`);
writeFileSync('build/bench.md', markdown(summaries));
printTable(summaries);
console.log(`jose ES256 verification on the server's core: ${joseRate.toLocaleString('en-US')}/s`);
console.log(`Worker bundle: ${bundle.rawKB} KB raw, ${bundle.gzipKB} KB gzip (target < 60 KB gzip: ${bundle.gzipKB < 60 ? 'met' : 'MISSED'})`);
console.log(`Node start to first 200: ${startMs.synth} ms with ${STORIES.toLocaleString('en-US')} stories, ${startMs.seed} ms with the seed`);
console.log(`load average (1 min) before and after: ${report.machine.loadAverage.join(', ')} on ${cpus().length} cores (above the core count, other processes shared the cores: compare ratios)`);
console.log('written to build/bench.json and build/bench.md');
if (summaries.some((s) => s.gatewayCpu < 90 || s.baselineCpu < 90)) {
  console.warn('bench: a server had less than 90% of its core in some scenario (other processes ran there): the ratio per CPU-second is the steadier figure');
}
const faults = summaries.reduce((n, s) => n + s.faults, 0);
if (faults > 0) console.error(`bench: ${faults} socket errors or responses of an unexpected status: the figures are not comparable`);
process.exit(faults > 0 ? 1 : 0);

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}
