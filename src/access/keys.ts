// Trusted signing keys: the local set from licenses/jwks.json, or a remote set fetched with bounds.

import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { readBounded } from '../bounded-read.ts';
import { Problem } from '../problem.ts';
import { privateMembers, type PublicJwk } from '../registry/registry.ts';
import { DEFAULT_MAX_STALE_S } from '../settings.ts';

/**
 * Resolves the verification key for a token header; throws a Problem when it cannot.
 * `generation` changes whenever the trusted set may have changed (-1: unknown, re-check), so
 * verified-token caches can tell a result from an older key set.
 */
export type KeySource = JWTVerifyGetKey & { readonly generation?: () => number };

export function localKeySource(jwks: { readonly keys: readonly PublicJwk[] }): KeySource {
  const set = createLocalJWKSet({ keys: jwks.keys.map((k) => ({ ...k })) } as JSONWebKeySet);
  return (header, token) => set(header, token);
}

/**
 * A key set is a handful of public keys (~200 bytes each): these bounds leave room for rotation while
 * keeping one fetch's memory and parse time small. Past either, the set is refused whole (503).
 */
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_KEYS = 100;

export interface RemoteOptions {
  /** Give up on one fetch after this long. */
  readonly timeoutMs?: number;
  /**
   * At most one refetch for an unknown kid per this long. 30 s lets a rotated-in key work within half a
   * minute, while a kid storm costs the endpoint at most 2 capped fetches a minute per isolate.
   */
  readonly cooldownMs?: number;
  /** Refetch a known-good set after this long. */
  readonly maxAgeMs?: number;
  /** After a failed fetch, make no new attempt for this long. */
  readonly failureBackoffMs?: number;
  /**
   * While refetching fails, keep trusting a set past maxAgeMs for at most this long; then refuse
   * (503) rather than trust keys the issuer may have withdrawn meanwhile.
   */
  readonly maxStaleMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

interface Loaded {
  readonly set: ReturnType<typeof createLocalJWKSet>;
  readonly kids: ReadonlySet<string>;
  readonly at: number;
}

/**
 * A remote JWKS with a bounded fetch rate. jose's own remote set retries on every request while
 * the endpoint is down; this one backs off, so an outage costs one fetch per backoff period.
 */
export class RemoteKeySet {
  #loaded: Loaded | undefined;
  #lastAttempt = -Infinity;
  #failedUntil = -Infinity;
  #pending: Promise<void> | undefined;
  readonly fetchCount = { value: 0 };
  readonly #opts: Required<RemoteOptions>;

  constructor(
    readonly url: string,
    options: RemoteOptions = {},
  ) {
    this.#opts = {
      timeoutMs: 3_000,
      cooldownMs: 30_000,
      maxAgeMs: 10 * 60_000,
      failureBackoffMs: 30_000,
      maxStaleMs: DEFAULT_MAX_STALE_S * 1000,
      fetch: (...args) => globalThis.fetch(...args),
      now: () => Date.now(),
      ...options,
    };
  }

  #generation = 0;

  readonly source: KeySource = Object.assign(
    async (header: Parameters<JWTVerifyGetKey>[0], token: Parameters<JWTVerifyGetKey>[1]) => {
      const kid = header.kid ?? '';
      const now = this.#opts.now();
      const loaded = this.#loaded;
      const fresh = loaded !== undefined && now - loaded.at < this.#opts.maxAgeMs;
      if (fresh && loaded.kids.has(kid)) return loaded.set(header, token);
      const mayFetch = now >= this.#failedUntil && (!fresh || now - this.#lastAttempt >= this.#opts.cooldownMs);
      if (mayFetch) await this.#refresh();
      const current = this.#usable(this.#opts.now());
      if (current?.kids.has(kid)) return current.set(header, token);
      if (this.#opts.now() < this.#failedUntil || current === undefined) {
        const retryAfter = Math.max(1, Math.ceil((this.#failedUntil - this.#opts.now()) / 1000));
        throw new Problem('keys_unavailable', { detail: 'The key set that signs license tokens cannot be fetched right now.', retryAfter });
      }
      throw new Problem('token_key_unknown', {
        detail:
          "The token names a signing key (kid) that is not in this gateway's trusted key set: only tokens signed by a key whose public half the operator has published are accepted.",
      });
    },
    {
      generation: () => {
        const loaded = this.#loaded;
        return loaded && this.#opts.now() - loaded.at < this.#opts.maxAgeMs ? this.#generation : -1;
      },
    },
  );

  /** The loaded set, unless it is older than its age plus the stale bound (then nothing is trusted). */
  #usable(now: number): Loaded | undefined {
    const loaded = this.#loaded;
    return loaded && now - loaded.at < this.#opts.maxAgeMs + this.#opts.maxStaleMs ? loaded : undefined;
  }

  #refresh(): Promise<void> {
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetch(): Promise<void> {
    this.#lastAttempt = this.#opts.now();
    this.fetchCount.value++;
    try {
      const response = await this.#opts.fetch(this.url, {
        headers: { accept: 'application/jwk-set+json, application/json' },
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
        redirect: 'manual',
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const body = JSON.parse(await readCapped(response, MAX_BODY_BYTES)) as { keys?: unknown } | null;
      // Past the cap the whole set is refused (fail closed), not cut short: a cut set could drop the key in use.
      if (!Array.isArray(body?.keys) || body.keys.length > MAX_KEYS) throw new Error('not a bounded key set');
      const keys = body.keys.filter(isPublicJwk);
      if (keys.length === 0) throw new Error('no usable keys');
      this.#loaded = {
        set: createLocalJWKSet({ keys } as JSONWebKeySet),
        kids: new Set(keys.map((k) => k.kid)),
        at: this.#opts.now(),
      };
      this.#generation++;
      this.#failedUntil = -Infinity;
    } catch {
      // Why it failed is the operator's concern, not the client's; nothing about it is echoed.
      this.#failedUntil = this.#opts.now() + this.#opts.failureBackoffMs;
    }
  }
}

/** The body as text, reading no more than `limit` bytes: a hostile or broken endpoint cannot make the gateway buffer or parse megabytes. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const bytes = await readBounded(response.headers, response.body, limit);
  if (!bytes) throw new Error('key set too large');
  return new TextDecoder().decode(bytes);
}

function isPublicJwk(key: unknown): key is PublicJwk {
  if (typeof key !== 'object' || key === null) return false;
  const k = key as Record<string, unknown>;
  return typeof k['kid'] === 'string' && (k['kty'] === 'EC' || k['kty'] === 'OKP') && privateMembers(k).length === 0;
}

const remoteSets = new Map<string, RemoteKeySet>();

/** One remote set per URL (and stale bound) per isolate, so its cache and backoff are shared by all requests. */
export function remoteKeySource(url: string, options: Pick<RemoteOptions, 'maxStaleMs'> = {}): KeySource {
  const id = `${options.maxStaleMs ?? ''} ${url}`;
  let set = remoteSets.get(id);
  if (!set) {
    set = new RemoteKeySet(url, options);
    remoteSets.set(id, set);
  }
  return set.source;
}
