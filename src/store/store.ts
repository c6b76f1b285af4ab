// The live store behind the gateway (SPEC §10): current snapshot by generation, bounded staleness.
// Node re-reads the generation whenever the driver's version says the store may have changed (its own
// generation moves, other processes' bells and commits); Workers at most every half TTL, and never serve a
// snapshot older than the TTL (503 store_unavailable instead).

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
  /**
   * Workers: a read belongs to the request that starts it. workerd cancels a request's I/O when the
   * request ends, so a load one request started and another awaits may never settle (the isolate then
   * hung on every request that read the store). Each request then reads for itself, and a confirmation
   * in the background is kept alive by the request's waitUntil.
   */
  readonly perRequestIo?: boolean;
}

/** How a request keeps work alive after its answer (Workers' ExecutionContext.waitUntil). */
export type WaitUntil = (promise: Promise<unknown>) => void;

/** With perRequestIo, how long a background confirmation stands in for the next ones (it may have been cut off). */
const CONFIRMING_MS = 1_000;

export class Store {
  #current: { snapshot: Snapshot; checkedAt: number; version: number | undefined } | undefined;
  #loading: { generation: number; promise: Promise<Snapshot> } | undefined;
  /** With perRequestIo: when the last background confirmation started. */
  #confirmingSince = Number.NEGATIVE_INFINITY;

  constructor(
    readonly db: SqlDriver,
    readonly options: StoreOptions = { ttlMs: 0 },
  ) {}

  /**
   * The snapshot a request starting at `now` may use; throws 503 store_unavailable when none is fresh
   * enough. `waitUntil` keeps a background confirmation alive past the request's answer (Workers).
   */
  async snapshot(now = Date.now(), waitUntil?: WaitUntil): Promise<Snapshot> {
    const current = this.current(now);
    if (current) return current;
    const ttl = this.options.ttlMs;
    const held = this.#current;
    if (held && ttl > 0) {
      const age = now - held.checkedAt;
      if (age >= 0 && age < ttl) {
        // Fresh enough to serve; confirm in the background so the steady state never waits.
        this.#confirm(now, waitUntil);
        return held.snapshot;
      }
    }
    try {
      return await this.#refresh(now);
    } catch {
      throw new Problem('store_unavailable', { detail: 'The gateway cannot read its store right now.', retryAfter: 5 });
    }
  }

  /**
   * The snapshot a request starting at `now` may use, when that is known without I/O: the driver's
   * version has not moved (Node), or the last confirmation is younger than half the TTL (Workers).
   */
  current(now = Date.now()): Snapshot | undefined {
    const held = this.#current;
    if (!held) return undefined;
    if (this.options.ttlMs === 0) {
      let version: number | undefined;
      try {
        version = this.db.version?.();
      } catch {
        return undefined; // unknown: the pipeline's refresh tries the store and answers 503 if it cannot
      }
      return held.version !== undefined && held.version === version ? held.snapshot : undefined;
    }
    const age = now - held.checkedAt;
    return age >= 0 && age < this.options.ttlMs / 2 ? held.snapshot : undefined;
  }

  #confirm(now: number, waitUntil: WaitUntil | undefined): void {
    if (this.options.perRequestIo) {
      // One at a time, unless the last was cut off (its request ended without waitUntil).
      if (now - this.#confirmingSince < CONFIRMING_MS) return;
      this.#confirmingSince = now;
    }
    const confirming = this.#refresh(now)
      .catch(() => undefined)
      .finally(() => {
        this.#confirmingSince = Number.NEGATIVE_INFINITY;
      });
    waitUntil?.(confirming);
  }

  async #refresh(now: number): Promise<Snapshot> {
    // The generation is read afresh by every caller (never shared): a request that starts after a
    // write must see it. The driver's version is read first: a change after it moves it again.
    const version = this.db.version?.();
    const row = await this.db.first<{ value: string }>(sql(`SELECT value FROM meta WHERE key = 'generation'`));
    const generation = Number(row?.value ?? 0);
    let snapshot = this.#current?.snapshot;
    if (snapshot?.generation !== generation) snapshot = await this.#load(generation);
    if (!this.#current || this.#current.snapshot.generation <= generation) this.#current = { snapshot, checkedAt: now, version };
    return snapshot;
  }

  /** Loads `generation`'s snapshot: shared by concurrent callers on Node, each request's own with perRequestIo. */
  #load(generation: number): Promise<Snapshot> {
    const load = () => loadSnapshot(this.db, generation, this.options.extraLicenseKeys ?? []);
    if (this.options.perRequestIo) return load();
    let loading = this.#loading;
    if (loading?.generation !== generation) {
      const promise = load();
      this.#loading = loading = { generation, promise };
      const done = () => {
        if (this.#loading?.promise === promise) this.#loading = undefined;
      };
      promise.then(done, done);
    }
    return loading.promise;
  }
}
