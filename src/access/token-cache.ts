// Verified tokens remembered by their exact string, so a partner polling every minute costs one
// signature check per token, not one per request. Revocation and licensee status are still
// checked on every request (they are not part of what is cached).

import { Problem, type ProblemCode } from '../problem.ts';
import type { Settings } from '../settings.ts';
import type { KeySource } from './keys.ts';
import { checkHeader, checkShape, verifyToken, type TokenKind, type VerifiedToken } from './verify-token.ts';

const MAX_ENTRIES = 10_000;
/**
 * Refusals live in their own, smaller map: however many an attacker sends, they evict only each
 * other, never a licensee's verified token (issue 11, finding 4).
 */
const MAX_REFUSALS = 1_000;
/** A cached success is re-verified at least this often, so a key removed from the key set stops working. */
export const MAX_TRUST_MS = 5 * 60_000;
/**
 * Refusals that depend on nothing but the token's bytes, the settings and the key set. Malformed tokens
 * and headers with an algorithm we never accept are refused before anything is remembered (so garbage
 * never fills the cache).
 * A bad signature depends on the key set too: it is remembered with the key set's generation and
 * counts only while that set is current (a local set is its own key source, so a new set starts clean).
 * An unknown key is not remembered: the next request may be the one that fetches a rotated-in key.
 */
const CACHEABLE_REFUSALS: ReadonlySet<ProblemCode> = new Set([
  'token_header_invalid',
  'token_claims_invalid',
  'token_lifetime_exceeded',
  'token_signature_invalid',
]);
const REFUSAL_TTL_MS = 60_000;

type Verified = { readonly ok: VerifiedToken; readonly until: number; readonly generation: number };
// The code and options only: a stored Error would keep its stack (kilobytes) per garbage token.
type Refused = { readonly refused: ProblemCode; readonly options: Problem['options']; readonly until: number; readonly generation: number };

interface Caches {
  /** By the token's exact string. */
  readonly verified: Map<string, Verified>;
  readonly refused: Map<string, Refused>;
}

/** Per key source, then per settings and token kind, so a lookup hashes the token alone. */
const caches = new WeakMap<KeySource, WeakMap<Settings, Partial<Record<TokenKind, Caches>>>>();

function cachesFor(keys: KeySource, settings: Settings, kind: TokenKind): Caches {
  let bySettings = caches.get(keys);
  if (!bySettings) caches.set(keys, (bySettings = new WeakMap()));
  let byKind = bySettings.get(settings);
  if (!byKind) bySettings.set(settings, (byKind = {}));
  return (byKind[kind] ??= { verified: new Map(), refused: new Map() });
}

export async function verifyTokenCached(token: string, keys: KeySource, settings: Settings, now: number, kind: TokenKind = 'license'): Promise<VerifiedToken> {
  const cache = cachesFor(keys, settings, kind);
  const generation = keys.generation?.() ?? 0;
  const hit = cache.verified.get(token);
  // A success counts only while the key set it was checked against is current and fresh.
  if (hit && now < hit.until && hit.generation === generation && generation !== -1) return hit.ok;
  if (hit) cache.verified.delete(token);
  // Only here: a success is cached for these exact bytes under these settings, so they passed both
  // checks once. Still before the refusals and verification, so garbage and bad headers are never remembered.
  checkShape(token);
  checkHeader(token, settings);
  const refusal = cache.refused.get(token);
  if (refusal && now < refusal.until && refusal.generation === generation && generation !== -1) throw new Problem(refusal.refused, refusal.options);
  if (refusal) cache.refused.delete(token);
  try {
    const verified = await verifyToken(token, keys, settings, now, kind);
    // Never trusted past exp (the 60 s tolerance is not carried over into the cache).
    // The generation read before verifying: a refresh during verification must not bless the older set.
    remember(cache.verified, MAX_ENTRIES, token, { ok: verified, until: Math.min(verified.exp * 1000, now + MAX_TRUST_MS), generation });
    return verified;
  } catch (err) {
    if (err instanceof Problem && CACHEABLE_REFUSALS.has(err.code)) {
      remember(cache.refused, MAX_REFUSALS, token, { refused: err.code, options: err.options, until: now + REFUSAL_TTL_MS, generation });
    }
    throw err;
  }
}

function remember<T>(cache: Map<string, T>, max: number, key: string, entry: T): void {
  // Insertion order is age order; dropping the oldest keeps the memory bound without bookkeeping.
  if (cache.size >= max) cache.delete(cache.keys().next().value!);
  cache.set(key, entry);
}
