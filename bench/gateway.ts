// The adapter between the benchmark and the gateway: how to fill a store from a catalog directory and
// start `wiregate serve` on it. The only bench file that knows the gateway's start-up contract (CLI,
// environment variables); change it here when that contract changes.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type Server } from './servers.ts';

export interface Catalog {
  /** A directory holding feeds/ and licenses/ in the import format. */
  readonly dir: string;
}

/** A catalog imported into its own fresh SQLite store, ready for servers to start on. */
export interface StoredCatalog extends Catalog {
  /** The store file (WIREGATE_DB), in a temporary directory of its own. */
  readonly db: string;
  /** Wall time of the import (a fresh Node process: reading the files, fingerprinting, inserting). */
  readonly importMs: number;
  /** The store's size on disk after the import (main file and WAL), in MB. */
  readonly storeMB: number;
}

export interface GatewayOptions {
  readonly port: number;
  readonly core?: number | undefined;
  readonly receiptSecret: string;
  /** Extra arguments for node before the script (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

const stores: string[] = [];

export function feedsDir(c: Catalog): string {
  return join(c.dir, 'feeds');
}

export function licensesDir(c: Catalog): string {
  return join(c.dir, 'licenses');
}

function dataEnv(c: Catalog, db: string): Record<string, string> {
  return { WIREGATE_DB: db, WIREGATE_FEEDS_DIR: feedsDir(c), WIREGATE_LICENSES_DIR: licensesDir(c) };
}

/**
 * Imports the catalog ONCE into a fresh store (before any timing), as a first start of the gateway
 * would: the servers then start on a filled store. The import runs in its own process (bench/fill-store.ts
 * opens the store the way `wiregate serve` does) so its memory does not count against the servers'.
 * Call after the catalog's files are final (credentials() writes its jwks.json).
 */
export function fillStore(c: Catalog, core?: number): StoredCatalog {
  const dir = mkdtempSync(join(tmpdir(), 'wiregate-bench-'));
  stores.push(dir);
  const db = join(dir, 'wiregate.db');
  const t0 = performance.now();
  const args = ['--import', 'tsx', 'bench/fill-store.ts'];
  execFileSync(core === undefined ? 'node' : 'taskset', core === undefined ? args : ['-c', String(core), 'node', ...args], {
    env: { ...process.env, ...dataEnv(c, db) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const importMs = performance.now() - t0;
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return { dir: c.dir, db, importMs, storeMB: Math.round((size(db) + size(`${db}-wal`)) / 1e5) / 10 };
}

/** Deletes every store fillStore made in this process. */
export function removeStores(): void {
  for (const dir of stores.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Makes sure the CLI's bundle of src/ is built (bin/wiregate.mjs builds it on first use after a change),
 * so no timed start includes the build. Call once before starting gateways.
 */
export function bundleCli(): void {
  execFileSync('node', ['bin/wiregate.mjs', '--version'], { stdio: 'ignore' });
}

export function startGateway(catalog: StoredCatalog, o: GatewayOptions): Promise<Server> {
  return spawnServer('node', [...(o.nodeArgs ?? []), 'bin/wiregate.mjs', 'serve'], {
    port: o.port,
    readyPath: '/healthz',
    ...(o.core === undefined ? {} : { core: o.core }),
    env: {
      // The files too, although the store is filled: were it not, the server would import them (slowly) itself.
      ...dataEnv(catalog, catalog.db),
      WIREGATE_RECEIPT_SECRET: o.receiptSecret,
      WIREGATE_PUBLIC_URL: `http://127.0.0.1:${o.port}`,
      WIREGATE_ISSUER: 'wiregate-local',
      WIREGATE_AUDIENCE: 'wiregate',
    },
  });
}
