// Answers kept whole for one store generation, so the requests they fit are served without the
// pipeline: public answers, and refusals of a credential. This is the shared cache of RFC 9111 run
// inside the gateway, on the strictest terms: it keeps only what the pipeline itself marked as storable
// by any cache and the same for every such request, and it forgets on the first change instead of
// waiting out max-age.
//
// Kept: a 200 to a GET without Authorization, Cookie or validators, whose Cache-Control is the plain
// public max-age (not cut short by a coming embargo release) and whose Vary names nothing but
// Authorization and Cookie (both absent here). Served: to a GET of the same URL (query included) with
// none of those headers, while the snapshot is the one it was made from (a write, a kill, a revocation
// starts a new one) and before the next embargo release anywhere. Everything else goes the whole way.
//
// Refusals of a credential are kept the same way, by URL, Accept and Authorization, when the refusal
// follows from nothing but those bytes and the snapshot (see lastingRefusal): the same request gets the
// same refusal until the store changes, without the pipeline; values that are not a token at all share
// one (shapelessKey). A refusal that time or a remote key set could turn into an acceptance (expired, not
// yet valid, unknown key) is never kept.
//
// A licensed 200 is kept for its token the same way (keepLicensed), by URL, Accept and Authorization,
// for as long as everything the decision read stays as it was: the snapshot (a revocation, a suspension,
// a kill, a new key set, a quota: any change starts a new one), the clock before the token's exp, the
// license's validUntil and the next embargo release, and at most 5 minutes, as the verified-token cache
// trusts a token. Only when nothing else could change it: a token in the Authorization header (no feed
// key, no desk session), a licensee without quotas or territories, the store's own key set, and a
// request without Cookie, Origin or validators. Each time it is served its deliveries are written to the
// ledger first, as the pipeline writes them (SPEC §13); a request it does not fit goes the whole way.

import type { Decision } from '../access/decide.ts';
import { parseAuthorization } from '../access/credentials.ts';
import { MAX_TRUST_MS } from '../access/token-cache.ts';
import { hasTokenShape } from '../access/verify-token.ts';
import type { Problem, ProblemCode } from '../problem.ts';
import type { Settings } from '../settings.ts';
import type { Rendered } from './respond.ts';
import type { DeliveredItem, DeliveryFacts } from '../store/ledger.ts';
import type { Snapshot } from '../store/snapshot.ts';
import { joined } from './receipt-template.ts';
import { headerOf, partsApart, type Parts } from './request-headers.ts';

/** What serving a kept licensed answer writes to the ledger each time (the country is the request's own). */
export interface KeptDelivery {
  readonly facts: Omit<DeliveryFacts, 'country'>;
  readonly items: readonly DeliveredItem[];
}

/** A kept licensed answer: the response, once its deliveries are in the ledger. */
export interface KeptLicensed {
  readonly response: Response;
  readonly delivery: KeptDelivery;
}

interface Kept {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body, or a licensed feed copy's parts: its template's and its receipts (http/receipt-template.ts). */
  readonly body: Uint8Array<ArrayBuffer> | Parts;
  /** When it was made, and when a coming embargo release starts to change public documents (ms). */
  readonly from: number;
  readonly until: number;
  /** Licensed answers only: the deliveries it carries. */
  readonly delivery?: KeptDelivery;
}

/** The request headers a public answer could depend on; with any of them, no kept answer is used or made. */
const PERSONAL = ['authorization', 'cookie', 'if-none-match', 'if-modified-since'] as const;
/** Vary may name these and no other field: the request had neither. */
const VARY_OK = new Set(['authorization', 'cookie']);

class KeptAnswers {
  readonly #byKey = new Map<string, Kept>();
  #bytes = 0;
  /** Parts counted once: a template's, shared by the copies of every token of its licensee. */
  readonly #counted = new WeakSet<Uint8Array>();

  /**
   * `evicts`: when full, the oldest entries make room for a new one. Otherwise a full map takes no
   * more (until the next snapshot starts an empty one): a thousand tokens asked in turn would each
   * evict the next one due, and none would ever be found.
   */
  constructor(
    readonly maxBytes: number,
    readonly evicts = true,
  ) {}

  get(key: string): Kept | undefined {
    return this.#byKey.get(key);
  }

  /** Whether an entry of at least `bytes` could be taken. */
  hasRoomFor(bytes: number): boolean {
    return bytes <= this.maxBytes / 16 && (this.evicts || this.#bytes + bytes <= this.maxBytes);
  }

  set(key: string, kept: Kept): void {
    const cost = this.#costOf(key, kept);
    if (!this.hasRoomFor(cost)) return;
    // A template's parts are paid for by the first entry taken that holds them (not by one refused).
    if (Array.isArray(kept.body)) for (const part of kept.body) if (typeof part !== 'string') this.#counted.add(part);
    const old = this.#byKey.get(key);
    if (old) this.#bytes -= this.#costOf(key, old);
    this.#byKey.set(key, kept);
    this.#bytes += cost;
    // Oldest first: Map order is insertion order.
    for (const [k, entry] of this.#byKey) {
      if (this.#bytes <= this.maxBytes) break;
      this.#byKey.delete(k);
      this.#bytes -= this.#costOf(k, entry);
    }
  }

  /**
   * Memory an entry holds: its key (a refusal's holds the Authorization value), its body, its headers and
   * deliveries, a little for the rest. A template's parts count only until an entry holding them is
   * taken: so an entry that replaces another is charged the old one's template still, never less than
   * it holds (copies in parts are licensed answers, never evicted; all go with the snapshot).
   */
  #costOf(key: string, kept: Kept): number {
    let cost = key.length + 256;
    for (const part of [kept.body].flat()) cost += typeof part === 'string' ? part.length + 24 : this.#counted.has(part) ? 0 : part.byteLength; // a receipt: with its slot and the part beside it
    for (const name in kept.headers) cost += name.length + kept.headers[name]!.length + 32;
    for (const item of kept.delivery?.items ?? []) cost += item.slug.length + item.receipt.length + 64;
    return cost;
  }
}

type Which = 'public answers' | 'refusals' | 'licensed answers';
/**
 * Beside the render cache's own bound: public and licensed answers a quarter of it more each, refusals
 * a sixteenth (a few thousand), so the gateway's caches together stay within 1.57 ×
 * WIREGATE_RENDER_CACHE_MB. Licensed answers are one per token and URL: they do not evict each other.
 */
const SHARE: Record<Which, number> = { 'public answers': 4, 'licensed answers': 4, refusals: 16 };

/**
 * The kept answers of the snapshot and settings last asked for. A change starts a new snapshot, and so
 * empty ones; so do other settings (only tests serve two at once): kept answers are never shared
 * between snapshots or settings. One entry: on the hot path, two comparisons.
 */
let lastState: Snapshot | undefined;
let lastSettings: Settings | undefined;
let answers: Partial<Record<Which, KeptAnswers>> = {};

function keptOf(state: Snapshot, settings: Settings, which: Which = 'public answers'): KeptAnswers {
  if (state !== lastState || settings !== lastSettings) {
    lastState = state;
    lastSettings = settings;
    answers = {};
  }
  return (answers[which] ??= new KeptAnswers(Math.floor(settings.renderCacheBytes / SHARE[which]), which !== 'licensed answers'));
}

function isPlain(request: Request): boolean {
  if (request.method !== 'GET') return false;
  for (const name of PERSONAL) if (headerOf(request, name) !== null) return false;
  return true;
}

/**
 * The kept answer for this GET under `state`, or undefined: then the pipeline answers. Without
 * Authorization, a kept public answer; with it, a kept refusal of that credential, or a kept licensed
 * answer for it (which the caller may send only once its deliveries are in the ledger).
 */
export function keptResponse(request: Request, state: Snapshot, settings: Settings, now: number): Response | KeptLicensed | undefined {
  const authorization = headerOf(request, 'authorization');
  let kept: Kept | undefined;
  if (authorization === null) {
    if (!isPlain(request)) return undefined;
    kept = keptOf(state, settings).get(request.url);
  } else {
    const refusals = keptOf(state, settings, 'refusals');
    // A value without a '.' cannot be a compact JWS, so it is refused as shapeless: that kept refusal first.
    const dotless = !authorization.includes('.');
    const shapeless = dotless ? shapelessKey(request, authorization) : undefined;
    if (shapeless !== undefined) kept = refusals.get(shapeless);
    if (!kept) {
      const key = credentialKey(request, authorization);
      if (key === undefined) return undefined;
      kept = refusals.get(key);
      if (!kept && !hasValidators(request)) kept = keptOf(state, settings, 'licensed answers').get(key);
    }
    if (!kept && !dotless) {
      const other = shapelessKey(request, authorization);
      if (other !== undefined) kept = refusals.get(other);
    }
  }
  if (!kept || now < kept.from || now >= kept.until) return undefined; // a clock set back, or its time is over
  // A plain object for the headers, as the pipeline sends them: the Node adapter writes it straight out.
  const { body, headers } = kept;
  const response = partsApart(request, body, headers) ?? new Response(joined(body), { status: kept.status, headers });
  return kept.delivery ? { response, delivery: kept.delivery } : response;
}

function hasValidators(request: Request): boolean {
  return headerOf(request, 'if-none-match') !== null || headerOf(request, 'if-modified-since') !== null;
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
  keptOf(state, settings).set(request.url, { ...(await copyOf(response)), from: now, until });
}

async function copyOf(response: Response): Promise<Pick<Kept, 'status' | 'headers' | 'body'>> {
  const body = new Uint8Array(await response.clone().arrayBuffer());
  return { status: response.status, headers: headersOf(response), body };
}

/** The response's headers as the plain object a kept answer is sent with. */
function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/**
 * Refusals that stand whatever the key set does: the request's form, and what is judged after a
 * signature was accepted (revocation, the licensee) or from the claims alone (a lifetime too long).
 */
const LASTING_WITH_ANY_KEYS: ReadonlySet<ProblemCode> = new Set([
  'invalid_request',
  'unsupported_scheme',
  'token_lifetime_exceeded',
  'token_revoked',
  'licensee_unknown',
  'licensee_suspended',
]);
/**
 * Further refusals that stand while the key set is the snapshot's own (licenses/jwks.json in the
 * store): a malformed token or header and a bad signature. Under WIREGATE_JWKS_URL a broken remote
 * key can surface as any of these, and a rotated key can turn them into an acceptance.
 */
const LASTING_WITH_OWN_KEYS: ReadonlySet<ProblemCode> = new Set(['token_malformed', 'token_header_invalid', 'token_signature_invalid']);

/** Whether `problem` will refuse the same credential the same way for as long as the snapshot holds. */
export function lastingRefusal(problem: Problem, settings: Settings): boolean {
  if (problem.options.unexpected) return false;
  return LASTING_WITH_ANY_KEYS.has(problem.code) || (!settings.jwksUrl && LASTING_WITH_OWN_KEYS.has(problem.code));
}

/**
 * A refusal is judged on the credential alone, and so is a kept licensed answer; the rest of the
 * request may only choose its format. Undefined for requests that may be judged on more.
 */
function credentialKey(request: Request, authorization: string): string | undefined {
  if (request.method !== 'GET' || headerOf(request, 'cookie') !== null || headerOf(request, 'origin') !== null) return undefined;
  return `${request.url}\n${headerOf(request, 'accept') ?? ''}\n${authorization}`;
}

/**
 * Every Authorization value that holds one Bearer or License token without a token's shape is refused
 * alike: checkShape's token_malformed, with that scheme's challenge. So one kept refusal per URL, Accept
 * and scheme answers them all, and a flood of made-up values, each one new, is served from it instead
 * of each going the whole way and pushing a real credential's kept refusal out. The key has a line more
 * than any value's own (a header value holds no line break), so the two never meet.
 */
function shapelessKey(request: Request, authorization: string): string | undefined {
  const credential = parseAuthorization(authorization);
  if ('code' in credential || hasTokenShape(credential.token)) return undefined;
  return credentialKey(request, `\n${credential.scheme} token without a token's shape`);
}

/** Keeps the pipeline's `refusal` of `request`'s credential, as `response` (the caller checked lastingRefusal). */
export async function keepRefusal(request: Request, refusal: Problem, response: Response, state: Snapshot, settings: Settings): Promise<void> {
  const authorization = headerOf(request, 'authorization');
  if (authorization === null) return;
  const key = (refusal.code === 'token_malformed' ? shapelessKey(request, authorization) : undefined) ?? credentialKey(request, authorization);
  if (key === undefined) return;
  keptOf(state, settings, 'refusals').set(key, { ...(await copyOf(response)), from: 0, until: Number.POSITIVE_INFINITY });
}

/**
 * Keeps a licensed 200 for its token (see the top of this file), after the pipeline wrote its deliveries.
 * `decision` is the one it was made for, at `decidedAt`: the answer is kept from that instant, so an
 * embargo release between the decision and now ends it at once.
 */
export async function keepLicensed(
  request: Request,
  response: Response,
  rendered: Rendered,
  decision: Decision & { tier: 'licensed' },
  delivery: KeptDelivery,
  decidedAt: number,
  state: Snapshot,
  settings: Settings,
): Promise<void> {
  const { licensee, token } = decision;
  if (response.status !== 200 || token.via !== undefined || licensee.quota || licensee.territories || settings.jwksUrl) return;
  const authorization = headerOf(request, 'authorization');
  const key = authorization === null || hasValidators(request) ? undefined : credentialKey(request, authorization);
  const kept = keptOf(state, settings, 'licensed answers');
  if (key === undefined || !kept.hasRoomFor(key.length)) return;
  // As long as a verified token is trusted without verifying it again (access/token-cache.ts).
  const nextRelease = (await state.nextRelease(null, decidedAt)) ?? Number.POSITIVE_INFINITY;
  const until = Math.min(token.exp * 1000, decidedAt + MAX_TRUST_MS, Date.parse(licensee.validUntil), nextRelease);
  const now = Date.now();
  if (!(decidedAt <= now && now < until)) return;
  kept.set(key, { status: 200, headers: headersOf(response), body: rendered.parts ?? rendered.bytes, from: decidedAt, until, delivery });
}
