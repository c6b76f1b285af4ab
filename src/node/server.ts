// The Node entry: builds bindings from process.env, opens the SQLite store (filling a new one from
// feeds/ and licenses/), releases embargoes on a timer, and serves.

import { serve, type ServerType } from '@hono/node-server';
import { newApp } from '../app.ts';
import type { PublicJwk } from '../registry/registry.ts';
import type { Bindings } from '../settings.ts';
import { settingsFrom } from '../settings.ts';
import { importIfNew } from '../store/import.ts';
import { Store } from '../store/store.ts';
import { watchReleases } from '../store/releases.ts';
import { readDataFiles } from './files.ts';
import { MAX_HEADERS, truncatedHeaders } from './header-limit.ts';
import { sendParts } from './send-parts.ts';
import { rememberIncoming } from './socket-reader.ts';
import { openSqlite, type SqliteStore } from './sqlite-driver.ts';
import { holdTickShape } from './tick-shape.ts';

const BINDING_NAMES = [
  'WIREGATE_PUBLIC_URL',
  'WIREGATE_ISSUER',
  'WIREGATE_AUDIENCE',
  'WIREGATE_JWKS_URL',
  'WIREGATE_COUNTRY_HEADER',
  'WIREGATE_RECEIPT_SECRET',
  'WIREGATE_ALGORITHMS',
  'WIREGATE_MAX_TOKEN_DAYS',
  'WIREGATE_EXCERPT_WORDS',
  'WIREGATE_PUBLIC_MAX_AGE',
  'WIREGATE_FEED_ITEMS',
  'WIREGATE_WEBSUB_HUB',
  'WIREGATE_RENDER_CACHE_MB',
  'WIREGATE_STATE_TTL_MS',
  'WIREGATE_CLIENT_IP_HEADER',
  'WIREGATE_JWKS_MAX_STALE_S',
] as const;

export function bindingsFromEnv(env: NodeJS.ProcessEnv = process.env): Bindings {
  const out: Record<string, string> = {};
  for (const name of BINDING_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  // Links should point where this server listens when the operator moved the port but named no public URL.
  if (!out['WIREGATE_PUBLIC_URL'] && env['PORT'] && env['PORT'] !== '0') out['WIREGATE_PUBLIC_URL'] = `http://localhost:${env['PORT']}`;
  return Object.freeze(out);
}

/** WIREGATE_DB, or the default embedded store. */
export function storePath(env: NodeJS.ProcessEnv = process.env): string {
  return env['WIREGATE_DB'] || '.wiregate/wiregate.db';
}

/** The Node store at `path`, filled from feeds/ and licenses/ the first time anything opens it. */
export async function openNodeStore(path = storePath(), extraLicenseKeys: readonly PublicJwk[] = []): Promise<{ store: Store; sqlite: SqliteStore }> {
  const sqlite = openSqlite(path);
  await importIfNew(sqlite.driver, () => readDataFiles(), { operator: 'import:first-start' }, Date.now());
  // ttlMs 0: a request never uses a snapshot the driver's version says may be stale; changes apply at once.
  return { store: new Store(sqlite.driver, { ttlMs: 0, extraLicenseKeys }), sqlite };
}

export interface StartOptions {
  /** The store to serve (`wiregate serve` opens it with openNodeStore and listens for bells on it). */
  readonly store: Store;
  readonly bindings?: Bindings;
  readonly port?: number;
  readonly host?: string;
}

export async function startServer(options: StartOptions): Promise<{ server: ServerType; url: string; store: Store }> {
  const { store } = options;
  const bindings = options.bindings ?? bindingsFromEnv();
  const settings = settingsFrom(bindings); // validate settings before listening: a bad variable stops start-up
  const app = newApp(() => store);
  const port = options.port ?? Number(process.env['PORT'] || 8787);
  const hostname = options.host ?? (process.env['HOST'] || '127.0.0.1');
  const stopReleases = watchReleases(store.db, settings);
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: (request, env) => {
          // The socket's peer address (feed-key sharing detection, SPEC §11, unless a trusted header
          // names the client) and its raw header lines (every value of a repeated field), without
          // building Fetch Headers.
          rememberIncoming(request, env.incoming);
          const response = truncatedHeaders(env, settings) ?? app.fetch(request, bindings);
          // A large licensed copy comes in parts, written here (send-parts.ts), from the pipeline or kept.
          return response instanceof Promise ? response.then((r) => sendParts(r, env.outgoing)) : sendParts(response, env.outgoing);
        },
        port,
        hostname,
      },
      (info) => {
        holdTickShape();
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({ server, url: `http://${host}:${info.port}`, store });
      },
    );
    server.once('close', stopReleases);
    if ('maxHeadersCount' in server) server.maxHeadersCount = MAX_HEADERS;
    server.once('error', reject);
  });
}
