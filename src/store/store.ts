// The live store behind the gateway (SPEC §10): current snapshot by generation, bounded staleness.
// Node checks the generation on every request (a microsecond SQLite read); Workers at most every
// half TTL, and never serves a snapshot older than the TTL (503 store_unavailable instead).

import { Problem } from '../problem.ts';
import type { PublicJwk } from '../registry/registry.ts';
import type { QuotaPort } from './ledger.ts';
import { loadSnapshot, type Snapshot } from './snapshot.ts';
import { sql, type SqlDriver } from './sql.ts';

export interface StoreOptions {
  /** The most a change may take to reach a request; 0: check on every request (Node). */
  readonly ttlMs: number;
  /** License keys trusted by this process only, never written to the store (the local demo key). */
  readonly extraLicenseKeys?: readonly PublicJwk[];
  /** Quota counters outside the store (Workers: Durable Objects); else they are store rows. */
  readonly quotas?: QuotaPort | undefined;
}

export class Store {
  #current: { snapshot: Snapshot; checkedAt: number } | undefined;
  #loading: { generation: number; promise: Promise<Snapshot> } | undefined;

  constructor(
    readonly db: SqlDriver,
    readonly options: StoreOptions = { ttlMs: 0 },
  ) {}

  /** The snapshot a request starting at `now` may use; throws 503 store_unavailable when none is fresh enough. */
  async snapshot(now = Date.now()): Promise<Snapshot> {
    const current = this.#current;
    const ttl = this.options.ttlMs;
    if (current && ttl > 0) {
      const age = now - current.checkedAt;
      if (age >= 0 && age < ttl / 2) return current.snapshot;
      if (age >= 0 && age < ttl) {
        // Fresh enough to serve; confirm in the background so the steady state never waits.
        void this.#refresh(now).catch(() => undefined);
        return current.snapshot;
      }
    }
    try {
      return await this.#refresh(now);
    } catch {
      throw new Problem('store_unavailable', { detail: 'The gateway cannot read its store right now.', retryAfter: 5 });
    }
  }

  async #refresh(now: number): Promise<Snapshot> {
    // The generation is read afresh by every caller (never shared): a request that starts after a
    // write must see it. Loading a new generation's snapshot is shared by concurrent callers.
    const row = await this.db.first<{ value: string }>(sql(`SELECT value FROM meta WHERE key = 'generation'`));
    const generation = Number(row?.value ?? 0);
    let snapshot = this.#current?.snapshot;
    if (snapshot?.generation !== generation) {
      let loading = this.#loading;
      if (loading?.generation !== generation) {
        const promise = loadSnapshot(this.db, generation, this.options.extraLicenseKeys ?? []);
        this.#loading = loading = { generation, promise };
        const done = () => {
          if (this.#loading?.promise === promise) this.#loading = undefined;
        };
        promise.then(done, done);
      }
      snapshot = await loading.promise;
    }
    if (!this.#current || this.#current.snapshot.generation <= generation) this.#current = { snapshot, checkedAt: now };
    return snapshot;
  }
}
