// Public answers kept whole for one store generation, so a request without credentials is served
// without the pipeline. This is the shared cache of RFC 9111 run inside the gateway, on the strictest
// terms: it keeps only what the pipeline itself marked as storable by any cache and the same for every
// such request, and it forgets on the first change instead of waiting out max-age.
//
// Kept: a 200 to a GET without Authorization, Cookie or validators, whose Cache-Control is the plain
// public max-age (not cut short by a coming embargo release) and whose Vary names nothing but
// Authorization and Cookie (both absent here). Served: to a GET of the same URL (query included) with
// none of those headers, while the snapshot is the one it was made from (a write, a kill, a revocation
// starts a new one) and before the next embargo release anywhere. Everything else goes the whole way.

import type { Settings } from '../settings.ts';
import type { Snapshot } from '../store/snapshot.ts';
import { headerOf } from './request-headers.ts';

interface Kept {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** When it was made, and when a coming embargo release starts to change public documents (ms). */
  readonly from: number;
  readonly until: number;
}

/** The request headers a public answer could depend on; with any of them, no kept answer is used or made. */
const PERSONAL = ['authorization', 'cookie', 'if-none-match', 'if-modified-since'] as const;
/** Vary may name these and no other field: the request had neither. */
const VARY_OK = new Set(['authorization', 'cookie']);

class KeptAnswers {
  readonly #byUrl = new Map<string, Kept>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(url: string): Kept | undefined {
    return this.#byUrl.get(url);
  }

  set(url: string, kept: Kept): void {
    if (kept.bytes.byteLength > this.maxBytes / 16) return;
    const old = this.#byUrl.get(url);
    if (old) this.#bytes -= old.bytes.byteLength;
    this.#byUrl.set(url, kept);
    this.#bytes += kept.bytes.byteLength;
    // Oldest first: Map order is insertion order.
    for (const [key, entry] of this.#byUrl) {
      if (this.#bytes <= this.maxBytes) break;
      this.#byUrl.delete(key);
      this.#bytes -= entry.bytes.byteLength;
    }
  }
}

function keptOf(state: Snapshot, settings: Settings): KeptAnswers {
  let bySettings = state.memo.get('public answers') as WeakMap<Settings, KeptAnswers> | undefined;
  if (!bySettings) state.memo.set('public answers', (bySettings = new WeakMap()));
  let kept = bySettings.get(settings);
  if (!kept) bySettings.set(settings, (kept = new KeptAnswers(Math.floor(settings.renderCacheBytes / 2))));
  return kept;
}

function isPlain(request: Request): boolean {
  if (request.method !== 'GET') return false;
  for (const name of PERSONAL) if (headerOf(request, name) !== null) return false;
  return true;
}

/** The kept answer for this request under `state`, or undefined: then the pipeline answers. */
export function keptAnswer(request: Request, state: Snapshot, settings: Settings, now: number): Response | undefined {
  if (!isPlain(request)) return undefined;
  const kept = keptOf(state, settings).get(request.url);
  if (!kept || now < kept.from || now >= kept.until) return undefined; // a clock set back, or a release since
  // A plain object for the headers, as the pipeline sends them: the Node adapter writes it straight out.
  return new Response(kept.bytes, { status: kept.status, headers: kept.headers });
}

/** Keeps the pipeline's `response` to `request` under `state` if it may serve every plain request for that URL. */
export async function keepAnswer(request: Request, response: Response, state: Snapshot, settings: Settings, now: number): Promise<void> {
  if (response.status !== 200 || !isPlain(request)) return;
  const headers = response.headers;
  if (headers.get('cache-control') !== `public, max-age=${settings.publicMaxAge}` || headers.has('set-cookie')) return;
  const vary = (headers.get('vary') ?? '').split(',').map((f) => f.trim().toLowerCase());
  if (!vary.every((field) => field === '' || VARY_OK.has(field))) return;
  // Feeds and the index cut their max-age short once the next release is nearer than max-age, so the
  // answer holds until then (stories do not cut it, and hold at least as long).
  const until = ((await state.nextRelease(null, now)) ?? Number.POSITIVE_INFINITY) - settings.publicMaxAge * 1000;
  if (now >= until) return;
  const bytes = new Uint8Array(await response.clone().arrayBuffer());
  const plain: Record<string, string> = {};
  headers.forEach((value, name) => {
    plain[name] = value;
  });
  keptOf(state, settings).set(request.url, { status: 200, headers: plain, bytes, from: now, until });
}
