// `npm run bench:profile -- <scenario> [seconds]`: one scenario of the benchmark against a gateway run with
// `node --cpu-prof`, then the self time of wiregate's own functions (src/), and where the rest went.
// The profile is left in build/bench/profiles/ for Chrome DevTools or speedscope.

import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, credentials, seedCatalog, syntheticCatalog } from './catalogs.ts';
import { bundleCli, fillStore, removeStores, startGateway } from './gateway.ts';
import { authLoad, scenarios } from './scenarios.ts';
import { runWrk, wrkMissing } from './wrk.ts';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [name = 'licensed-feed-50', seconds = '10'] = process.argv.slice(2);
const missing = wrkMissing();
if (missing) {
  console.error(`bench: ${missing}`);
  process.exit(1);
}
const pin = existsSync('/usr/bin/taskset') && cpus().length > 1;
if (pin) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

const seed = seedCatalog();
const synth = syntheticCatalog(Number(process.env['BENCH_STORIES'] ?? 10_000));
const creds = await credentials([seed, synth]);
const scenario = scenarios(synth, creds).find((s) => s.name === name);
if (!scenario)
  throw new Error(
    `no scenario ${name}: ${scenarios(synth, creds)
      .map((s) => s.name)
      .join(', ')}`,
  );
const dir = resolve(BENCH_DIR, 'profiles');
rmSync(dir, { recursive: true, force: true });
bundleCli();
const gateway = await startGateway(fillStore(scenario.catalog === 'seed' ? seed : synth), {
  port: 18790,
  receiptSecret: 'bench-secret',
  nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
  ...(pin ? { core: 0 } : {}),
});
const figures = await runWrk({
  url: `${gateway.url}${scenario.path}`,
  seconds: Number(seconds),
  connections: 50,
  ...authLoad(scenario),
  ...(pin ? { core: 1 } : {}),
});
await gateway.stop();
removeStores();
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
sourcesOf(profile);

// Self time per node: each sample's time delta goes to the node it landed in. Start-up (loading the
// catalog, compiling modules) is left out: counting starts at the first sample inside a request, and
// idle time is reported apart, so the shares are of the time the server was busy serving.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const serving = (id: number): boolean => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    if (byId.get(at)?.callFrame.url.endsWith('/src/node/server.ts')) return true;
  }
  return false;
};
const firstRequest = profile.samples.findIndex(serving);
const self = new Map<number, number>();
let idle = 0;
profile.samples.forEach((id, i) => {
  if (i < firstRequest) return;
  const us = profile.timeDeltas[i + 1] ?? 0; // the time until the next sample belongs to this one
  if (byId.get(id)?.callFrame.functionName === '(idle)') idle += us;
  else self.set(id, (self.get(id) ?? 0) + us);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
const root = process.cwd();
// A function is named by its name and file, not its line.
const keyOf = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url, n.callFrame.functionName) === 'wiregate (src/)' ? n.callFrame.url.replace(`file://${root}/`, '') : where(n.callFrame.url, n.callFrame.functionName)}`;
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0;
  const place = where(node.callFrame.url, node.callFrame.functionName);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  byFunction.set(keyOf(node), (byFunction.get(keyOf(node)) ?? 0) + us);
}
// Total (inclusive) time of wiregate functions, each counted once per stack however deep it recurses.
function walk(id: number, open: Set<string>): number {
  const node = byId.get(id)!;
  const key = keyOf(node);
  const mine = where(node.callFrame.url, node.callFrame.functionName) === 'wiregate (src/)' && !open.has(key);
  if (mine) open.add(key);
  let us = self.get(id) ?? 0;
  for (const child of node.children ?? []) us += walk(child, open);
  if (mine) {
    open.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
  return us;
}
walk(profile.nodes[0]!.id, new Set());
const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
const top = (m: Map<string, number>, n: number, only?: (k: string) => boolean) =>
  [...m]
    .filter(([k]) => !only || only(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `  ${pct(us).padStart(6)}  ${k}`)
    .join('\n');
const ours = (k: string) => k.includes('src/');
console.log(
  `${scenario.label}: ${Math.round(figures.rps)} req/s for ${seconds} s under --cpu-prof (slower than without), ${figures.non2xx} non-2xx; profile ${join(dir, file)}`,
);
console.log(
  `idle ${((100 * idle) / (idle + total)).toFixed(1)}% of the time after the first request (waiting on the network or the CPU); shares below are of the busy time`,
);
console.log(`\nself time by place:\n${top(byPlace, 20)}`);
console.log(`\nall functions by self time:\n${top(byFunction, 20)}`);
console.log(`\nwiregate functions by self time:\n${top(byFunction, 20, ours)}`);
console.log(`\nwiregate functions by total time (self and callees):\n${top(inclusive, 20)}`);

/**
 * The CLI runs from a bundle of src/ (bin/wiregate.mjs): each frame in it is named by the source file it
 * came from, through the bundle's source map, so the tables below speak of src/ files.
 */
function sourcesOf(p: Profile): void {
  const bundle = resolve('build/cli/main.mjs');
  const bundleUrl = pathToFileURL(bundle).href;
  if (!existsSync(`${bundle}.map`)) return;
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  for (const n of p.nodes) {
    if (n.callFrame.url !== bundleUrl) continue;
    const entry = map.findEntry(n.callFrame.lineNumber, n.callFrame.columnNumber) as { originalSource?: string };
    if (entry.originalSource) n.callFrame.url = new URL(entry.originalSource, bundleUrl).href;
  }
}

function where(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : 'V8 builtins / native';
  if (url.startsWith('node:')) return 'node internals';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (dep) return dep;
  if (url.includes('/src/')) return 'wiregate (src/)';
  return url.replace(`file://${root}/`, '');
}
