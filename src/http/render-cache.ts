// Rendered representations kept by (resource, format, entitlement, clock epoch), bounded in bytes.
// The catalog is immutable for the life of an app, so the cache dies with it on any data change.

import type { Decision } from '../access/decide.ts';
import type { Rendered } from './respond.ts';

/** Bytes a cached value holds: a rendered body, or the parts of a receipt template. */
function sizeOf(value: Rendered | { readonly parts: readonly Uint8Array[] }): number {
  return 'bytes' in value ? value.bytes.byteLength : value.parts.reduce((n, p) => n + p.byteLength, 0);
}

export class RenderCache<T extends Rendered | { readonly parts: readonly Uint8Array[] } = Rendered> {
  readonly #entries = new Map<string, Promise<T>>();
  readonly #sizes = new Map<string, number>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** The cached representation for `key`, or `make()` it once (concurrent misses share one render). */
  get(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit) {
      // Re-insert: Map order is recency order, so eviction drops the least recently used.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const pending = make();
    this.#entries.set(key, pending);
    // Only while this promise is still the entry: an evicted render must not touch a newer one.
    pending.then(
      (r) => {
        if (this.#entries.get(key) === pending) this.#account(key, sizeOf(r));
      },
      () => {
        if (this.#entries.get(key) === pending) this.#entries.delete(key);
      },
    );
    return pending;
  }

  #account(key: string, bytes: number): void {
    this.#bytes += bytes - (this.#sizes.get(key) ?? 0);
    this.#sizes.set(key, bytes);
    for (const old of this.#entries.keys()) {
      if (this.#bytes <= this.maxBytes || old === key) break;
      this.#entries.delete(old);
      this.#bytes -= this.#sizes.get(old) ?? 0;
      this.#sizes.delete(old);
    }
  }
}

/** The part of a decision that changes the bytes: nothing for the public; licensee and token for a licensee. */
export function entitlementKey(decision: Decision): string {
  if (decision.tier !== 'licensed') return 'public';
  // The receipt depends on the issuer and jti (a feed key's id is a jti under the issuer "feed-key"),
  // the Agreement on the scope: all are in the key.
  return `licensed ${decision.licensee.id} ${decision.token.iss} ${decision.token.jti} ${decision.token.feedsKey}`;
}
