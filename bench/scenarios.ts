// What the benchmark asks for: each scenario is one request shape against one catalog, and the exact
// response it gets (which the baseline then serves as fixed bytes).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from './catalogs.ts';
import { feedsDir, type Catalog } from './gateway.ts';
import type { WrkLoad } from './wrk.ts';

export type CatalogName = 'seed' | 'synth';

export interface Scenario {
  readonly name: string;
  readonly label: string;
  readonly catalog: CatalogName;
  readonly path: string;
  readonly status: 200 | 401;
  /** One Authorization value for every request. */
  readonly auth?: string;
  /** Authorization values sent in turn (a file, one a line), and the first of them (to capture the bytes). */
  readonly authFile?: string;
  readonly authFirst?: string;
  /** Authorization values made up per request, this prefix and a counter, each one new (authFirst: one of them). */
  readonly authPrefix?: string;
  /** What the ratio's denominator is: the baseline, or the slower of the baseline and raw jose verification. */
  readonly versus: 'baseline' | 'baseline-or-jose';
  /** The target for the ratio. */
  readonly target: number;
  /** Licensed: the deliveries each response writes to the ledger (one per story), for the ledger baseline. */
  readonly deliveries?: number;
}

/** The response a scenario gets, as the baseline will replay it. */
export interface Captured {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** For the ledger baseline: rows per response, and how many credentials (receipt holders) take turns. */
  readonly deliveries?: number;
  readonly holders?: number;
}

export function scenarios(synth: Catalog, c: Credentials): Scenario[] {
  const world = JSON.parse(readFileSync(join(feedsDir(synth), 'world.json'), 'utf8')) as { stories: string[] };
  const story = `/articles/${world.stories[1]!}`;
  const feed = '/feeds/world/rss.xml';
  const pool = { authFile: c.poolFile, authFirst: c.poolFirst };
  return [
    { name: 'public-story', label: 'public story', catalog: 'synth', path: story, status: 200, versus: 'baseline', target: 0.9 },
    {
      name: 'licensed-story',
      label: 'licensed story, one token (ledger on)',
      catalog: 'synth',
      path: story,
      status: 200,
      auth: c.token,
      versus: 'baseline',
      target: 0.85,
      deliveries: 1,
    },
    { name: 'seed-public-feed', label: 'public feed, seed (1 item)', catalog: 'seed', path: feed, status: 200, versus: 'baseline', target: 0.9 },
    {
      name: 'seed-licensed-feed',
      label: 'licensed feed, seed, one token (ledger on)',
      catalog: 'seed',
      path: feed,
      status: 200,
      auth: c.token,
      versus: 'baseline',
      target: 0.85,
      deliveries: 1,
    },
    {
      name: 'seed-licensed-feed-1000',
      label: 'licensed feed, seed, 1,000 tokens (ledger on)',
      catalog: 'seed',
      path: feed,
      status: 200,
      ...pool,
      versus: 'baseline-or-jose',
      target: 0.8,
      deliveries: 1,
    },
    { name: 'public-feed-50', label: 'public feed, 50 items', catalog: 'synth', path: feed, status: 200, versus: 'baseline', target: 0.9 },
    {
      name: 'licensed-feed-50',
      label: 'licensed feed, 50 items, one token (ledger on)',
      catalog: 'synth',
      path: feed,
      status: 200,
      auth: c.token,
      versus: 'baseline',
      target: 0.85,
      deliveries: 50,
    },
    {
      name: 'licensed-feed-50-1000',
      label: 'licensed feed, 50 items, 1,000 tokens (ledger on)',
      catalog: 'synth',
      path: feed,
      status: 200,
      ...pool,
      versus: 'baseline-or-jose',
      target: 0.8,
      deliveries: 50,
    },
    {
      name: 'bad-signature',
      label: 'refused: bad signature (one token)',
      catalog: 'seed',
      path: feed,
      status: 401,
      auth: c.badSignature,
      versus: 'baseline',
      target: 0.8,
    },
    {
      name: 'garbage',
      label: 'refused: garbage (1,000 values)',
      catalog: 'seed',
      path: feed,
      status: 401,
      authFile: c.garbageFile,
      authFirst: c.garbageFirst,
      versus: 'baseline',
      target: 0.8,
    },
    {
      name: 'garbage-new',
      label: 'refused: garbage (every value new)',
      catalog: 'seed',
      path: feed,
      status: 401,
      authPrefix: 'Bearer garbage-',
      authFirst: 'Bearer garbage-capture',
      versus: 'baseline',
      target: 0.8,
    },
  ];
}

/** What wrk sends as the scenario's Authorization: one value, a file's values in turn, or a new value each time. */
export function authLoad(s: Scenario): Pick<WrkLoad, 'auth' | 'authFile' | 'authPrefix'> {
  return {
    ...(s.auth === undefined ? {} : { auth: s.auth }),
    ...(s.authFile === undefined ? {} : { authFile: s.authFile }),
    ...(s.authPrefix === undefined ? {} : { authPrefix: s.authPrefix }),
  };
}

// Headers the baseline's server writes itself (or that describe this connection, not the response).
const HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function capture(base: string, s: Scenario): Promise<Captured> {
  const auth = s.auth ?? s.authFirst;
  const res = await fetch(`${base}${s.path}`, { headers: auth ? { authorization: auth } : {} });
  const body = await res.text();
  if (res.status !== s.status) throw new Error(`${s.name}: expected ${s.status}, got ${res.status}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of res.headers) if (!HOP.has(k)) headers[k] = v;
  const ledger = s.deliveries ? { deliveries: s.deliveries, holders: s.authFile ? 1000 : 1 } : {};
  return { status: res.status, headers, body, ...ledger };
}
