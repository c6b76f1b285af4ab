// The store-era targets of issues 13, 15 and 16 (the ratios are run.ts's table): Node start to first
// 200 and memory on a filled store, the usage report over 1,000,000 deliveries, the trace of a 1 MB page
// through the store. Each measurement runs in its own process, pinned like the servers.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type StoredCatalog } from './gateway.ts';
import { pinned } from './wrk.ts';

export interface StartFigures {
  readonly stories: number;
  readonly importMs: number;
  readonly storeMB: number;
  /** Spawn to the first 200 of /healthz, on the filled store. */
  readonly startMs: number;
  /** Spawn to the first 200 of a story page (the first request that reads the catalog). */
  readonly firstStoryMs: number;
  /** Resident memory after start and a warm-up of distinct stories and feeds, public and licensed; and its peak. */
  readonly rssMB: number;
  readonly peakRssMB: number;
}

/** Starts a gateway on the store, warms it up over `slugs` (public and licensed), reads its memory, stops it. */
export async function startAndMemory(
  c: StoredCatalog,
  stories: number,
  slugs: readonly string[],
  token: string,
  port: number,
  core?: number,
): Promise<StartFigures> {
  const server = await startGateway(c, { port, receiptSecret: 'bench-secret', ...(core === undefined ? {} : { core }) });
  try {
    const t0 = performance.now();
    const first = await fetch(`${server.url}/articles/${slugs[0]!}`);
    await first.arrayBuffer();
    if (first.status >= 500) throw new Error(`first story: ${first.status}`);
    const firstStoryMs = server.startMs + performance.now() - t0;
    // Warm-up: every slug public and licensed, and each feed's pages, ten at a time.
    // (The slugs are the world feed's, the token's scope; a killed or embargoed one answers 410 or 404.)
    const paths = [
      ...slugs.flatMap(
        (s) =>
          [
            [`/articles/${s}`, false],
            [`/articles/${s}`, true],
          ] as const,
      ),
      ...['world', 'business', 'sports'].map((f) => [`/feeds/${f}/rss.xml`, false] as const),
      ['/feeds/world/rss.xml', true] as const,
    ];
    for (let i = 0; i < paths.length; i += 10) {
      await Promise.all(
        paths.slice(i, i + 10).map(async ([path, licensed]) => {
          const res = await fetch(`${server.url}${path}`, licensed ? { headers: { authorization: token } } : {});
          await res.arrayBuffer();
          if (res.status >= 500) throw new Error(`${path}: ${res.status}`);
        }),
      );
    }
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = (field: string) => Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? Number.NaN);
    return {
      stories,
      importMs: Math.round(c.importMs),
      storeMB: c.storeMB,
      startMs: Math.round(server.startMs),
      firstStoryMs: Math.round(firstStoryMs),
      rssMB: Math.round(kb('VmRSS:') / 102.4) / 10,
      peakRssMB: Math.round(kb('VmHWM:') / 102.4) / 10,
    };
  } finally {
    await server.stop();
  }
}

/** A bench/target-*.ts script in its own process; its one JSON line. */
function script<T>(name: string, args: readonly string[], core?: number): T {
  const [cmd, a] = pinned(core, 'node', ['--import', 'tsx', `bench/${name}`, ...args]);
  const out = execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

export interface UsageFigures {
  readonly deliveries: number;
  readonly counted: number;
  readonly insertMs: number;
  readonly reportsMs: Record<string, number>;
  readonly plans: Record<string, string[]>;
}

export function usageTarget(deliveries: number, core?: number): UsageFigures {
  const dir = mkdtempSync(join(tmpdir(), 'wiregate-bench-usage-'));
  try {
    return script<UsageFigures>('target-usage.ts', [join(dir, 'ledger.db'), String(deliveries)], core);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TraceFigures {
  readonly stories: number;
  readonly fingerprintRows: number;
  readonly pageBytes: number;
  readonly pageFingerprints: number;
  readonly postings: number;
  readonly candidatesMs: { first: number; median: number; runs: number[] };
  readonly traceMs: { first: number; median: number; runs: number[] };
  readonly plan: string[];
  readonly expected: { verbatim: string; altered: string };
  readonly matches: { slug: string; verdict: string; coverage: number }[];
}

export function traceTarget(c: StoredCatalog, core?: number): TraceFigures {
  return script<TraceFigures>('target-trace.ts', [c.db, '5'], core);
}

/** The figure is right (the page's two copies found with their verdicts), not only fast. */
export function traceFound(t: TraceFigures): boolean {
  const verdict = (slug: string) => t.matches.find((m) => m.slug === slug)?.verdict;
  return verdict(t.expected.verbatim) === 'verbatim' && verdict(t.expected.altered) === 'altered';
}
