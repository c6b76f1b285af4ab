// The adapter between the benchmark and the gateway: how to start `wiregate serve` on a catalog directory.
// The only bench file that knows the gateway's start-up contract (CLI, environment variables); change it
// here when that contract changes (a store instead of feeds/ and licenses/ directories).

import { join } from 'node:path';
import { spawnServer, type Server } from './servers.ts';

export interface Catalog {
  /** A directory holding feeds/ and licenses/ in the import format. */
  readonly dir: string;
}

export interface GatewayOptions {
  readonly port: number;
  readonly core?: number | undefined;
  readonly receiptSecret: string;
  /** Extra arguments for node before the script (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

export function feedsDir(c: Catalog): string {
  return join(c.dir, 'feeds');
}

export function licensesDir(c: Catalog): string {
  return join(c.dir, 'licenses');
}

export function startGateway(catalog: Catalog, o: GatewayOptions): Promise<Server> {
  return spawnServer('node', [...(o.nodeArgs ?? []), 'bin/wiregate.mjs', 'serve'], {
    port: o.port,
    readyPath: '/healthz',
    ...(o.core === undefined ? {} : { core: o.core }),
    env: {
      WIREGATE_FEEDS_DIR: feedsDir(catalog),
      WIREGATE_LICENSES_DIR: licensesDir(catalog),
      WIREGATE_RECEIPT_SECRET: o.receiptSecret,
      WIREGATE_PUBLIC_URL: `http://127.0.0.1:${o.port}`,
      WIREGATE_ISSUER: 'wiregate-local',
      WIREGATE_AUDIENCE: 'wiregate',
    },
  });
}
