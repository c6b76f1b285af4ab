// `npm run bench`: every scenario side by side with a baseline measured in the same run.
// Prints a table and writes build/bench.json. Figures are for comparison within one run only.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, importJWK } from 'jose';
import { writeSyntheticCatalog } from '../src/cli/synth.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CONNECTIONS = 50;
const STORIES = Number(process.env['BENCH_STORIES'] ?? 10_000);
const GATEWAY_PORT = 18787;
const BASELINE_PORT = 18788;
const HAS_TASKSET = existsSync('/usr/bin/taskset') && (await import('node:os')).cpus().length > 1;
const pin = (core: number, cmd: string, args: string[]): [string, string[]] => (HAS_TASKSET ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

if (HAS_TASKSET) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

// 1. A synthetic catalog and a bench signing key (never the repo's data, never committed).
const dir = 'build/bench';
const { feedsDir, licensesDir } = writeSyntheticCatalog({ stories: STORIES, out: dir });
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
writeFileSync(`${licensesDir}/jwks.json`, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }] }));
const mint = (jti: string) =>
  new SignJWT({ scope: 'feed:world' })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'license+jwt' })
    .setIssuer('wiregate-local').setAudience('wiregate').setSubject('demo-newsroom').setJti(jti)
    .setIssuedAt().setExpirationTime('2h').sign(privateKey);
const token = await mint('bench-0');
const pool = await Promise.all(Array.from({ length: 1000 }, (_, i) => mint(`bench-pool-${i}`)));
const badSignature = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
const garbage = Array.from({ length: 1000 }, (_, i) => `garbage-${i}-${Math.random().toString(36).slice(2)}`);

// 2. The gateway on core 0, timed from process start to its first 200.
function start(cmd: string, args: string[], env: Record<string, string>): ChildProcess {
  const [c, a] = pin(0, cmd, args);
  return spawn(c, a, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}
async function firstOk(url: string, t0: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited`);
    try {
      if ((await fetch(url)).status === 200) return performance.now() - t0;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 5));
  }
}
const t0 = performance.now();
const gateway = start('node', ['bin/wiregate.mjs', 'serve'], {
  PORT: String(GATEWAY_PORT), WIREGATE_FEEDS_DIR: feedsDir, WIREGATE_LICENSES_DIR: licensesDir,
  WIREGATE_RECEIPT_SECRET: 'bench-secret', WIREGATE_PUBLIC_URL: `http://127.0.0.1:${GATEWAY_PORT}`,
});
const nodeStartMs = await firstOk(`http://127.0.0.1:${GATEWAY_PORT}/healthz`, t0, gateway);

// 3. The scenarios, and the exact bytes each returns (which the baseline then serves).
const storySlug = JSON.parse(readFileSync(`${feedsDir}/world.json`, 'utf8')).stories[1] as string;
interface Scenario { name: string; path: string; auth?: string | string[] }
const scenarios: Scenario[] = [
  { name: 'public-story', path: `/articles/${storySlug}` },
  { name: 'public-feed', path: '/feeds/world/rss.xml' },
  { name: 'licensed-feed-repeated-token', path: '/feeds/world/rss.xml', auth: `Bearer ${token}` },
  { name: 'licensed-feed-1000-tokens', path: '/feeds/world/rss.xml', auth: pool.map((t) => `Bearer ${t}`) },
  { name: 'bad-signature', path: '/feeds/world/rss.xml', auth: `Bearer ${badSignature}` },
  { name: 'garbage-token', path: '/feeds/world/rss.xml', auth: garbage.map((g) => `Bearer ${g}`) },
];
const bodies: Record<string, { body: string; type: string; status: number }> = {};
for (const s of scenarios) {
  const auth = Array.isArray(s.auth) ? s.auth[0] : s.auth;
  const res = await fetch(`http://127.0.0.1:${GATEWAY_PORT}${s.path}`, { headers: auth ? { authorization: auth } : {} });
  bodies[s.name] = { body: await res.text(), type: res.headers.get('content-type') ?? 'text/plain', status: res.status };
}
mkdirSync('build', { recursive: true });
writeFileSync('build/bench-bodies.json', JSON.stringify(bodies));
const baseline = start('node', ['--import', 'tsx', 'bench/baseline.ts', 'build/bench-bodies.json'], { PORT: String(BASELINE_PORT) });
await firstOk(`http://127.0.0.1:${BASELINE_PORT}/public-story`, performance.now(), baseline);

interface Figures { rps: number; p50: number; p99: number; errors: number; non2xx: number }
async function load(url: string, auth?: string | string[]): Promise<Figures> {
  const list = Array.isArray(auth) ? auth : undefined;
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: typeof auth === 'string' ? { authorization: auth } : {},
    ...(list ? { requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, headers: { authorization: list[i++ % list.length]! } }) }] } : {}),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

const rows: Record<string, unknown>[] = [];
for (const s of scenarios) {
  await load(`http://127.0.0.1:${GATEWAY_PORT}${s.path}`, s.auth); // warm-up run, not reported
  const g = await load(`http://127.0.0.1:${GATEWAY_PORT}${s.path}`, s.auth);
  const b = await load(`http://127.0.0.1:${BASELINE_PORT}/${s.name}`);
  rows.push({ scenario: s.name, status: bodies[s.name]!.status, bytes: Buffer.byteLength(bodies[s.name]!.body), ...prefix('gw', g), ...prefix('base', b), ratio: round(g.rps / b.rps, 2) });
}
gateway.kill();
baseline.kill();

// 4. Raw jose ES256 verification in this process: the ceiling for the distinct-token scenario.
const verifyKey = await importJWK({ ...(await exportJWK(publicKey)) }, 'ES256');
let verified = 0;
const vStart = performance.now();
while (performance.now() - vStart < 2000) {
  await jwtVerify(pool[verified % pool.length]!, verifyKey);
  verified++;
}
const joseRate = verified / ((performance.now() - vStart) / 1000);
const poolRow = rows.find((r) => r['scenario'] === 'licensed-feed-1000-tokens')!;

// 5. The Worker: bundle size and time from `wrangler dev` start to its first 200.
execFileSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', 'build/worker'], { stdio: 'ignore', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
const workerJs = readFileSync('build/worker/worker.js');
const bundle = { rawKB: round(statSync('build/worker/worker.js').size / 1024, 1), gzipKB: round(gzipSync(workerJs).length / 1024, 1) };
const w0 = performance.now();
const wrangler = start('node_modules/.bin/wrangler', ['dev', '--port', '18789', '--ip', '127.0.0.1'], { WRANGLER_SEND_METRICS: 'false', CI: '1' });
const workerdStartMs = await firstOk('http://127.0.0.1:18789/healthz', w0, wrangler).finally(() => wrangler.kill());

const report = {
  when: new Date().toISOString(),
  machine: { cores: (await import('node:os')).cpus().length, pinned: HAS_TASKSET, seconds: SECONDS, connections: CONNECTIONS, stories: STORIES },
  scenarios: rows,
  jose: { es256VerifyPerSecond: round(joseRate, 0), poolRatioToJose: round((poolRow['gw_rps'] as number) / joseRate, 2) },
  worker: bundle,
  startup: { nodeToFirst200Ms: round(nodeStartMs, 0), wranglerDevToFirst200Ms: round(workerdStartMs, 0) },
};
writeFileSync('build/bench.json', `${JSON.stringify(report, null, 2)}\n`);
console.table(rows.map((r) => ({ scenario: r['scenario'], status: r['status'], 'req/s': r['gw_rps'], p50: r['gw_p50'], p99: r['gw_p99'], errors: r['gw_errors'], 'baseline req/s': r['base_rps'], ratio: r['ratio'] })));
console.log(`jose ES256 verify: ${report.jose.es256VerifyPerSecond}/s; 1,000-token pool at ${report.jose.poolRatioToJose}x that rate`);
console.log(`Worker bundle: ${bundle.rawKB} KB raw, ${bundle.gzipKB} KB gzip`);
console.log(`start to first 200: Node ${report.startup.nodeToFirst200Ms} ms (${STORIES} stories), wrangler dev ${report.startup.wranglerDevToFirst200Ms} ms`);
console.log('written to build/bench.json');
process.exit(0);

function prefix(p: string, f: Figures) {
  return { [`${p}_rps`]: round(f.rps, 0), [`${p}_p50`]: f.p50, [`${p}_p99`]: f.p99, [`${p}_errors`]: f.errors };
}
function round(n: number, digits: number) {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}
