// `npm run soak`: the Node server under mixed load for a fixed time (issue 7, item 5).
//
// Starts `wiregate serve` on loopback over a synthetic catalog (build/soak, never the repo's data) with a
// soak signing key, a revoked token id and a suspended licensee, then runs concurrent workers for
// SOAK_SECONDS (default 60) or SOAK_MAX_REQUESTS (default 500,000), whichever comes first:
//   public    stories (HTML, JSON, text; some embargoed or killed) and feeds, no credential
//   licensed  world stories and the world feed with valid tokens (Bearer and License)
//   refused   revoked jti, suspended licensee, a token without the feed, a world token on another feed
//   fuzzed    garbage and tampered tokens, random paths, methods and header values
// Every response is checked: no 5xx, and no leak. A leak is a sentence of a story paragraph that the
// request was not entitled to: past the first quarter of the story's words (SPEC §6) unless the request
// was a valid licensed one for that story's feed, or any paragraph of an embargoed or killed story.
// Licensed responses must carry the full text (otherwise the leak check would prove nothing).
// Reports requests, per-kind counts, a status histogram, errors, leaks and the server's memory (VmRSS from
// /proc on Linux; V8 heap after a full GC through a preloaded IPC probe, bench/soak-probe.mjs).
// Exits non-zero on any leak, 5xx, transport error, missing licensed text or a server that died.
//
//   SOAK_SECONDS=10 npm run soak        # the quick check
//   SOAK_WORKERS=32 SOAK_STORIES=5000 npm run soak

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Story } from '../src/catalog/types.ts';
import { writeSyntheticCatalog } from '../src/cli/synth.ts';

const SECONDS = positive('SOAK_SECONDS', 60);
const MAX_REQUESTS = positive('SOAK_MAX_REQUESTS', 500_000);
const WORKERS = positive('SOAK_WORKERS', 16);
const STORIES = positive('SOAK_STORIES', 2_000);
const REQUEST_TIMEOUT_MS = 10_000;
const DIR = 'build/soak';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = Number(raw);
  if (raw === undefined || raw === '') return fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

// ---- 1. catalog, key, refusal fixtures ------------------------------------------------------------

const { feedsDir, licensesDir } = writeSyntheticCatalog({ stories: STORIES, out: DIR });
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
writeFileSync(join(licensesDir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'soak', alg: 'ES256', use: 'sig' }] }));
const REVOKED = Array.from({ length: 20 }, (_, i) => `soak-revoked-${i}`);
writeFileSync(join(licensesDir, 'revoked.json'), JSON.stringify({ jti: REVOKED }));
writeFileSync(
  join(licensesDir, 'soak-suspended.json'),
  JSON.stringify({
    id: 'soak-suspended',
    name: 'Soak Suspended',
    status: 'suspended',
    license: 'LIC-SOAK-S',
    feeds: ['*'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
  }),
);

interface Known {
  readonly story: Story;
  /** Paragraph indexes past the first quarter of the story's words. */
  readonly late: ReadonlySet<number>;
}
const stories = new Map<string, Known>();
for (const name of readdirSync(join(feedsDir, 'stories'))) {
  const story = JSON.parse(readFileSync(join(feedsDir, 'stories', name), 'utf8')) as Story;
  const words = story.body.map((p) => p.split(/\s+/).filter(Boolean).length);
  const total = words.reduce((a, b) => a + b, 0);
  let through = 0;
  const late = new Set<number>();
  words.forEach((n, i) => {
    through += n;
    if (through > total / 4) late.add(i);
  });
  stories.set(story.slug, { story, late });
}
const all = [...stories.values()];
const usable = all.filter((k) => (k.story.status ?? 'usable') === 'usable');
const usableWorld = usable.filter((k) => k.story.feeds.includes('world'));
const usableElsewhere = usable.filter((k) => !k.story.feeds.includes('world'));
const hidden = all.filter((k) => (k.story.status ?? 'usable') !== 'usable');

/** Every sentence of every paragraph, so a response is checked in one pass whatever it holds. */
const SENTENCE = /[A-Z][a-z]+(?: [a-z]+){4,}\./g;
const sentences = new Map<string, { slug: string; paragraph: number }>();
for (const { story } of all) {
  story.body.forEach((p, paragraph) => {
    for (const s of p.match(SENTENCE) ?? []) sentences.set(s, { slug: story.slug, paragraph });
  });
}

// ---- 2. tokens ---------------------------------------------------------------------------------------

const nowS = () => Math.floor(Date.now() / 1000);
function mint(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ scope: 'feed:world', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'soak', typ: 'license+jwt' })
    .setIssuer('wiregate-local')
    .setAudience('wiregate')
    .setSubject(String(claims['sub'] ?? 'demo-newsroom'))
    .setJti(String(claims['jti'] ?? crypto.randomUUID()))
    .setIssuedAt(nowS())
    .setExpirationTime(nowS() + SECONDS + 3600)
    .sign(privateKey);
}
const pool = (n: number, claims: () => Record<string, unknown>) => Promise.all(Array.from({ length: n }, () => mint(claims())));
const validTokens = await pool(300, () => ({}));
const revokedTokens = await Promise.all(REVOKED.map((jti) => mint({ jti })));
const suspendedTokens = await pool(20, () => ({ sub: 'soak-suspended' }));
const noFeedTokens = await pool(20, () => ({ scope: 'feed:sports' }));

// ---- 3. the server -----------------------------------------------------------------------------------

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['--expose-gc', '--import', './bench/soak-probe.mjs', 'bin/wiregate.mjs', 'serve'], {
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    // A store of its own, new each run (writeSyntheticCatalog empties DIR): the server fills it from
    // the files above at its first start. Never the default .wiregate/wiregate.db, which holds another catalog.
    WIREGATE_DB: join(DIR, 'wiregate.db'),
    WIREGATE_FEEDS_DIR: feedsDir,
    WIREGATE_LICENSES_DIR: licensesDir,
    WIREGATE_RECEIPT_SECRET: 'soak-receipt-secret',
    WIREGATE_PUBLIC_URL: base,
    WIREGATE_JWKS_URL: '',
  },
  stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
});
let serverLog = '';
server.stdout!.on('data', (d: Buffer) => void (serverLog += d.toString()));
server.stderr!.on('data', (d: Buffer) => void (serverLog += d.toString()));
let serverExit: string | undefined;
server.on('exit', (code, signal) => void (serverExit = `exit code ${code}, signal ${signal}`));

async function ready(): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (serverExit) throw new Error(`server exited during start-up (${serverExit}):\n${serverLog}`);
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return;
    } catch {
      /* not yet */
    }
    await sleep(20);
  }
  throw new Error('server did not answer /healthz within 60 s');
}

interface Memory {
  rssMB?: number;
  heapUsedMB?: number;
  heapTotalMB?: number;
}
async function memory(): Promise<Memory> {
  const out: Memory = {};
  try {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb) out.rssMB = round(Number(kb) / 1024);
  } catch {
    /* not Linux: skip */
  }
  const mem = await new Promise<NodeJS.MemoryUsage | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 5_000);
    server.once('message', (m: { mem?: NodeJS.MemoryUsage }) => {
      clearTimeout(timer);
      resolve(m.mem);
    });
    server.send('mem');
  });
  if (mem) Object.assign(out, { heapUsedMB: round(mem.heapUsed / 2 ** 20), heapTotalMB: round(mem.heapTotal / 2 ** 20) });
  return out;
}

// ---- 4. the load ---------------------------------------------------------------------------------------

type Kind =
  | 'public-story'
  | 'public-feed'
  | 'licensed-story'
  | 'licensed-feed'
  | 'refused-revoked'
  | 'refused-suspended'
  | 'refused-scope'
  | 'refused-other-feed'
  | 'fuzz-token'
  | 'fuzz-path';

interface Plan {
  readonly kind: Kind;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Feeds the request is entitled to: it may receive full text of those feeds' stories. */
  readonly entitled: readonly string[];
  /** For licensed requests: the story whose full text must be there (or any item, for a feed). */
  readonly mustHaveFullText?: string | 'any';
  /** Statuses that are right for this kind; anything else is counted as unexpected. */
  readonly expect: readonly number[];
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const scheme = () => (Math.random() < 0.5 ? 'Bearer' : 'License');
const STORY_FORMATS = ['', '.json', '.txt'];
const FEED_FILES = ['rss.xml', 'atom.xml', 'feed.json'];
const WEIGHTS: [Kind, number][] = [
  ['public-story', 18],
  ['public-feed', 8],
  ['licensed-story', 18],
  ['licensed-feed', 6],
  ['refused-revoked', 6],
  ['refused-suspended', 6],
  ['refused-scope', 6],
  ['refused-other-feed', 6],
  ['fuzz-token', 14],
  ['fuzz-path', 12],
];
const WEIGHT_TOTAL = WEIGHTS.reduce((n, [, w]) => n + w, 0);

function nextKind(): Kind {
  let r = Math.random() * WEIGHT_TOTAL;
  for (const [kind, w] of WEIGHTS) if ((r -= w) < 0) return kind;
  return 'public-story';
}

function plan(): Plan {
  const kind = nextKind();
  const auth = (token: string) => ({ Authorization: `${scheme()} ${token}` });
  switch (kind) {
    case 'public-story': {
      const k = Math.random() < 0.1 && hidden.length > 0 ? pick(hidden) : pick(usable);
      return { kind, path: `/articles/${k.story.slug}${pick(STORY_FORMATS)}`, entitled: [], expect: [200, 404, 410] };
    }
    case 'public-feed':
      return {
        kind,
        path: `/feeds/${pick(['world', 'business', 'sports'])}/${pick(FEED_FILES)}${Math.random() < 0.2 ? '?page=2' : ''}`,
        entitled: [],
        expect: [200, 404],
      };
    case 'licensed-story': {
      const k = pick(usableWorld);
      return {
        kind,
        path: `/articles/${k.story.slug}${pick(STORY_FORMATS)}`,
        headers: auth(pick(validTokens)),
        entitled: ['world'],
        mustHaveFullText: k.story.slug,
        expect: [200],
      };
    }
    case 'licensed-feed':
      return { kind, path: `/feeds/world/${pick(FEED_FILES)}`, headers: auth(pick(validTokens)), entitled: ['world'], mustHaveFullText: 'any', expect: [200] };
    case 'refused-revoked':
      return { kind, path: `/articles/${pick(usableWorld).story.slug}`, headers: auth(pick(revokedTokens)), entitled: [], expect: [401] };
    case 'refused-suspended':
      return { kind, path: `/feeds/world/${pick(FEED_FILES)}`, headers: auth(pick(suspendedTokens)), entitled: [], expect: [401] };
    case 'refused-scope':
      return { kind, path: `/articles/${pick(usableWorld).story.slug}.json`, headers: auth(pick(noFeedTokens)), entitled: [], expect: [403] };
    case 'refused-other-feed': {
      const path = Math.random() < 0.5 ? `/articles/${pick(usableElsewhere).story.slug}.txt` : `/feeds/${pick(['business', 'sports'])}/${pick(FEED_FILES)}`;
      return { kind, path, headers: auth(pick(validTokens)), entitled: [], expect: [403] };
    }
    case 'fuzz-token':
      return {
        kind,
        path: Math.random() < 0.5 ? `/articles/${pick(usableWorld).story.slug}` : `/feeds/world/${pick(FEED_FILES)}`,
        headers: { Authorization: garbageCredential() },
        entitled: [],
        expect: [400, 401],
      };
    case 'fuzz-path':
      return { kind, ...randomRequest(), entitled: [], expect: [200, 304, 400, 401, 404, 405, 410] };
  }
}

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function randomText(n: number, alphabet = B64U + '.=+/ %~!'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** Never a valid credential: the payload of a valid token is altered, so its signature cannot match. */
function garbageCredential(): string {
  const token = pick(validTokens);
  const [h, p, s] = token.split('.') as [string, string, string];
  const at = 1 + Math.floor(Math.random() * (p.length - 2));
  const swapped = p[at] === 'A' ? 'B' : 'A';
  const variants = [
    () => `Bearer ${h}.${p.slice(0, at)}${swapped}${p.slice(at + 1)}.${s}`,
    () => `License ${h}.${p}x.${s}`,
    () => `Bearer ${randomText(20 + Math.floor(Math.random() * 200))}`,
    () => `Bearer ${h}.${p}.${s}, Bearer ${h}.${p}.${s}`,
    () => `Basic ${btoa('user:pass')}`,
    () => `Bearer ${randomText(12, B64U)}.${randomText(40, B64U)}.${randomText(86, B64U)}`,
    () => `Token ${token}`,
    () => `Bearer ${h}..${s}`,
    () => randomText(30),
  ];
  return pick(variants)();
}

function randomRequest(): { path: string; method: string; headers: Record<string, string> } {
  const slug = pick(all).story.slug;
  const paths = [
    `/articles/${slug.toUpperCase()}`,
    `//articles/${slug}`,
    `/articles//${slug}`,
    `/articles/./${slug}`,
    `/x/../articles/${slug}`,
    `/articles/${slug}/`,
    `/articles/${slug}%2Ejson`,
    `/articles/${slug};x=1`,
    `/articles/${slug}%00`,
    `/articles/${slug}.amp`,
    `/articles/${slug}?format=json`,
    `/articles/${slug}?access_token=${randomText(40, B64U)}`,
    `/feeds/world/rss.xml?page=${randomText(3, '0123456789x-')}`,
    `/feeds/${randomText(6)}/rss.xml`,
    `/${randomText(Math.floor(Math.random() * 30))}`,
    '/',
    '/license',
    '/license.xml',
    '/robots.txt',
    '/healthz',
    '/rights/agreement.jsonld',
    `/problems/${randomText(8, 'abcdefghijklmnopqrstuvwxyz-')}`,
  ];
  const headers: Record<string, string> = {};
  if (Math.random() < 0.3) headers['Accept'] = pick(['application/json', '*/*', 'text/html', randomText(12)]);
  if (Math.random() < 0.2) headers['Range'] = pick(['bytes=0-100', 'bytes=-500', randomText(10)]);
  if (Math.random() < 0.2) headers['If-None-Match'] = pick(['*', '"x"', randomText(10)]);
  if (Math.random() < 0.2) headers['User-Agent'] = pick(['Googlebot/2.1', 'GPTBot/1.0', randomText(16)]);
  if (Math.random() < 0.1) headers['X-HTTP-Method-Override'] = 'GET';
  if (Math.random() < 0.2) headers['Authorization'] = garbageCredential();
  return { path: pick(paths), method: pick(['GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE']), headers };
}

interface Tally {
  requests: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  unexpected: Record<string, number>;
  /** How many of each failure, and the first few of each (the samples). */
  failures: Record<'errors' | 'fiveXX' | 'leaks' | 'missingFullText', { count: number; samples: string[] }>;
  licensedFullText: number;
}
const failure = () => ({ count: 0, samples: [] as string[] });
const tally: Tally = {
  requests: 0,
  byKind: {},
  statuses: {},
  unexpected: {},
  licensedFullText: 0,
  failures: { errors: failure(), fiveXX: failure(), leaks: failure(), missingFullText: failure() },
};
function fail(which: keyof Tally['failures'], line: string): void {
  const f = tally.failures[which];
  f.count++;
  if (f.samples.length < 20) f.samples.push(line);
}

/** The sentences of paragraphs this request may not have, found in `text`. */
function leaksIn(text: string, entitled: readonly string[]): string[] {
  const found: string[] = [];
  for (const s of text.match(SENTENCE) ?? []) {
    const where = sentences.get(s);
    if (!where) continue;
    const k = stories.get(where.slug)!;
    const status = k.story.status ?? 'usable';
    const forbidden = status !== 'usable' || (k.late.has(where.paragraph) && !k.story.feeds.some((f) => entitled.includes(f)));
    if (forbidden) found.push(`${where.slug} ¶${where.paragraph}${status === 'usable' ? '' : ` (${status})`}`);
  }
  return [...new Set(found)];
}

function hasFullText(text: string, slug: string | 'any'): boolean {
  for (const s of text.match(SENTENCE) ?? []) {
    const where = sentences.get(s);
    if (where && (slug === 'any' || where.slug === slug) && stories.get(where.slug)!.late.has(where.paragraph)) return true;
  }
  return false;
}

async function one(p: Plan): Promise<void> {
  tally.requests++;
  tally.byKind[p.kind] = (tally.byKind[p.kind] ?? 0) + 1;
  const label = `${p.kind} ${p.method ?? 'GET'} ${p.path}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${base}${p.path}`, {
      method: p.method ?? 'GET',
      ...(p.headers ? { headers: p.headers } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'manual',
    });
    text = await res.text();
  } catch (err) {
    fail('errors', `${label}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    return;
  }
  tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
  if (res.status >= 500) fail('fiveXX', `${label}: ${res.status} ${text.slice(0, 200)}`);
  if (!p.expect.includes(res.status)) {
    const key = `${p.kind} ${res.status}`;
    tally.unexpected[key] = (tally.unexpected[key] ?? 0) + 1;
  }
  // One space for any run of whitespace, so a sentence is found however a format lays the text out.
  const flat = `${text}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`.replace(/\s+/g, ' ');
  const leaked = leaksIn(flat, res.status === 200 ? p.entitled : []);
  if (leaked.length > 0) fail('leaks', `${label} → ${res.status}: ${leaked.slice(0, 3).join(', ')}`);
  if (p.mustHaveFullText && res.status === 200) {
    if (hasFullText(flat, p.mustHaveFullText)) tally.licensedFullText++;
    else fail('missingFullText', `${label}: 200 without the full text`);
  }
}

async function worker(deadline: number): Promise<void> {
  while (Date.now() < deadline && tally.requests < MAX_REQUESTS && !serverExit) await one(plan());
}

// ---- 5. run and report ---------------------------------------------------------------------------------

let exitCode = 1;
try {
  await ready();
  // Warm up the render cache and the JIT a little, so "start" memory is the served steady state.
  for (let i = 0; i < 200; i++) await one(plan());
  Object.assign(tally, { requests: 0, byKind: {}, statuses: {}, unexpected: {}, licensedFullText: 0 });
  const start = await memory();
  const samples: number[] = [];
  const sampler = setInterval(() => {
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
      if (kb) samples.push(round(Number(kb) / 1024));
    } catch {
      /* not Linux */
    }
  }, 1_000);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, () => worker(Date.now() + SECONDS * 1000)));
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const end = serverExit ? {} : await memory();

  const report = {
    seconds: round(elapsed),
    workers: WORKERS,
    stories: STORIES,
    requests: tally.requests,
    perSecond: Math.round(tally.requests / elapsed),
    byKind: tally.byKind,
    statuses: tally.statuses,
    unexpectedStatuses: tally.unexpected,
    licensedWithFullText: tally.licensedFullText,
    errors: tally.failures.errors.count,
    fiveXX: tally.failures.fiveXX.count,
    leaks: tally.failures.leaks.count,
    missingFullText: tally.failures.missingFullText.count,
    serverAlive: !serverExit,
    memory: { start, end, rssPeakMB: samples.length ? Math.max(...samples) : undefined },
  };
  writeFileSync(
    'build/soak.json',
    `${JSON.stringify({ when: new Date().toISOString(), ...report, samples: Object.fromEntries(Object.entries(tally.failures).map(([k, f]) => [k, f.samples])) }, null, 2)}\n`,
  );
  console.log(`soak: ${report.requests} requests in ${report.seconds} s (${report.perSecond}/s), ${WORKERS} workers, ${STORIES} stories, loopback ${base}`);
  console.table(
    Object.entries(tally.byKind)
      .sort()
      .map(([kind, n]) => ({ kind, requests: n })),
  );
  console.log('statuses:', JSON.stringify(tally.statuses));
  if (Object.keys(tally.unexpected).length > 0) console.log('unexpected statuses (not failures unless 5xx):', JSON.stringify(tally.unexpected));
  console.log(`licensed responses with the full text: ${tally.licensedFullText}`);
  console.log(
    `errors: ${report.errors}, 5xx: ${report.fiveXX}, leaks: ${report.leaks}, licensed without full text: ${report.missingFullText}, server alive: ${report.serverAlive}`,
  );
  const mb = (m: Memory) =>
    m.rssMB === undefined && m.heapUsedMB === undefined
      ? 'n/a'
      : `RSS ${m.rssMB ?? 'n/a'} MB, heap ${m.heapUsedMB ?? 'n/a'}/${m.heapTotalMB ?? 'n/a'} MB (used/total after GC)`;
  console.log(`server memory: start ${mb(start)}; end ${mb(end)}; RSS peak ${report.memory.rssPeakMB ?? 'n/a'} MB`);
  for (const [name, f] of Object.entries(tally.failures)) {
    if (f.count > 0) console.log(`${name} (first ${f.samples.length} of ${f.count}):\n  ${f.samples.join('\n  ')}`);
  }
  if (serverExit) console.log(`server died (${serverExit}); its output:\n${serverLog.slice(-4000)}`);
  const failed = report.leaks + report.fiveXX + report.errors + report.missingFullText > 0 || !report.serverAlive || report.requests === 0;
  console.log(failed ? 'soak: FAILED' : 'soak: passed (no leak, no 5xx)');
  console.log('written to build/soak.json');
  exitCode = failed ? 1 : 0;
} catch (err) {
  console.error(`soak: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  server.kill('SIGTERM');
  await Promise.race([new Promise((r) => server.once('exit', r)), sleep(5_000)]);
  if (!serverExit) server.kill('SIGKILL');
}
process.exit(exitCode);

// ---- helpers --------------------------------------------------------------------------------------------

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
