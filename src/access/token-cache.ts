// Verified tokens remembered by their exact string, so a partner polling every minute costs one
// signature check per token, not one per request. Revocation and licensee status are still
// checked on every request (they are not part of what is cached).

import { Problem, type ProblemCode } from '../http/problem.ts';
import type { Settings } from '../settings.ts';
import type { KeySource } from './keys.ts';
import { checkShape, verifyToken, type TokenKind, type VerifiedToken } from './verify-token.ts';

const MAX_ENTRIES = 10_000;
/** A cached success is re-verified at least this often, so a key removed from the key set stops working. */
const MAX_TRUST_MS = 5 * 60_000;
/**
 * Refusals that depend on nothing but the token's bytes and the settings. Malformed tokens are
 * refused before the cache (so garbage never fills it); signature and key failures depend on the
 * key set, which may change, so they are not cached either.
 */
const CACHEABLE_REFUSALS: ReadonlySet<ProblemCode> = new Set(['token_header_invalid', 'token_claims_invalid', 'token_lifetime_exceeded']);
const REFUSAL_TTL_MS = 60_000;

type Entry =
  | { readonly ok: VerifiedToken; readonly until: number; readonly generation: number }
  // The code and options only: a stored Error would keep its stack (kilobytes) per garbage token.
  | { readonly refused: ProblemCode; readonly options: Problem['options']; readonly until: number };

const caches = new WeakMap<KeySource, Map<string, Entry>>();
const settingsIds = new WeakMap<Settings, number>();
let nextSettingsId = 0;

export async function verifyTokenCached(token: string, keys: KeySource, settings: Settings, now: number, kind: TokenKind = 'license'): Promise<VerifiedToken> {
  checkShape(token);
  let cache = caches.get(keys);
  if (!cache) {
    cache = new Map();
    caches.set(keys, cache);
  }
  let sid = settingsIds.get(settings);
  if (sid === undefined) settingsIds.set(settings, (sid = nextSettingsId++));
  const key = `${sid} ${kind} ${token}`;
  const hit = cache.get(key);
  const generation = keys.generation?.() ?? 0;
  if (hit && now < hit.until) {
    // A success counts only while the key set it was checked against is current and fresh.
    if ('ok' in hit && hit.generation === generation && generation !== -1) return hit.ok;
    if ('refused' in hit) throw new Problem(hit.refused, hit.options);
  }
  if (hit) cache.delete(key);
  try {
    const verified = await verifyToken(token, keys, settings, now, kind);
    // Never trusted past exp (the 60 s tolerance is not carried over into the cache).
    // The generation read before verifying: a refresh during verification must not bless the older set.
    remember(cache, key, { ok: verified, until: Math.min(verified.exp * 1000, now + MAX_TRUST_MS), generation });
    return verified;
  } catch (err) {
    if (err instanceof Problem && CACHEABLE_REFUSALS.has(err.code)) {
      remember(cache, key, { refused: err.code, options: err.options, until: now + REFUSAL_TTL_MS });
    }
    throw err;
  }
}

function remember(cache: Map<string, Entry>, key: string, entry: Entry): void {
  // Insertion order is age order; dropping the oldest keeps the memory bound without bookkeeping.
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, entry);
}
