// The Node entry: builds bindings from process.env, loads data from disk, and serves.

import { serve, type ServerType } from '@hono/node-server';
import { newApp } from '../app.ts';
import { loadData, type GatewayData } from '../data.ts';
import type { Bindings } from '../settings.ts';
import { settingsFrom } from '../settings.ts';
import { readDataFiles } from './files.ts';
import { MAX_HEADERS, truncatedHeaders } from './header-limit.ts';

const BINDING_NAMES = [
  'WIREGATE_PUBLIC_URL', 'WIREGATE_ISSUER', 'WIREGATE_AUDIENCE', 'WIREGATE_JWKS_URL', 'WIREGATE_COUNTRY_HEADER',
  'WIREGATE_RECEIPT_SECRET', 'WIREGATE_ALGORITHMS', 'WIREGATE_MAX_TOKEN_DAYS', 'WIREGATE_EXCERPT_WORDS',
  'WIREGATE_PUBLIC_MAX_AGE', 'WIREGATE_FEED_ITEMS', 'WIREGATE_WEBSUB_HUB', 'WIREGATE_RENDER_CACHE_MB',
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

export interface StartOptions {
  readonly data?: GatewayData;
  readonly bindings?: Bindings;
  readonly port?: number;
  readonly host?: string;
}

export function startServer(options: StartOptions = {}): Promise<{ server: ServerType; url: string }> {
  const data = options.data ?? loadData(readDataFiles());
  const bindings = options.bindings ?? bindingsFromEnv();
  const settings = settingsFrom(bindings); // validate settings before listening: a bad variable stops start-up
  const app = newApp(data);
  const port = options.port ?? Number(process.env['PORT'] || 8787);
  const hostname = options.host ?? (process.env['HOST'] || '127.0.0.1');
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: (request, env) => truncatedHeaders(env, settings) ?? app.fetch(request, bindings), port, hostname }, (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({ server, url: `http://${host}:${info.port}` });
    });
    if ('maxHeadersCount' in server) server.maxHeadersCount = MAX_HEADERS;
    server.once('error', reject);
  });
}
