// The benchmark's baseline: a bare Hono app on the same server stack (@hono/node-server), answering each
// scenario's route with exactly the status, headers and body the gateway sent for it. Run as a child
// process: `node --import tsx bench/baseline.ts <captured.json>`; prints nothing, serves on PORT.
//
// For a licensed scenario it also serves `/<name>/ledger`: the same bytes, after writing the same
// deliveries to a usage ledger of its own (a fresh SQLite store with the repository's migrations,
// through the gateway's own `account`, group commit included). SPEC §13 wants every licensed delivery
// durable before its response leaves; this side shows what that write alone costs a bare server, so the
// gateway's licensed figures can be read against a baseline that does the same required work.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { keepAllocationsYoung } from '../src/node/pretenuring.ts';
import { openSqlite } from '../src/node/sqlite-driver.ts';
import { holdTickShape } from '../src/node/tick-shape.ts';
import type { Licensee } from '../src/registry/registry.ts';
import { account, type DeliveredItem } from '../src/store/ledger.ts';
import type { Captured } from './scenarios.ts';

// Like the gateway's `serve`, without allocation-site pretenuring (src/node/pretenuring.ts): both sides at their best.
keepAllocationsYoung();
const captured = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, Captured & { deliveries?: number; holders?: number }>;
const dir = mkdtempSync(join(tmpdir(), 'wiregate-bench-ledger-'));
const ledger = openSqlite(join(dir, 'ledger.db'));
const licensee: Licensee = {
  id: 'bench-newsroom',
  name: 'Bench Newsroom',
  status: 'active',
  license: 'LIC-BENCH',
  feeds: ['*'],
  validFrom: '2020-01-01T00:00:00Z',
  validUntil: '2099-01-01T00:00:00Z',
};
let sent = 0;
/** n as `digits` hex digits, scrambled so neighbouring holders' receipts do not sort together (a receipt is an HMAC). */
const hex = (n: number, digits: number) => (Math.imul(n + 1, 0x9e3779b1) >>> 0).toString(16).padStart(digits, '0').slice(-digits);
const app = new Hono();
app.get('/healthz', (c) => c.text('ok'));
for (const [name, { status, headers, body, deliveries, holders = 1 }] of Object.entries(captured)) {
  // Encoded once, as a static file server would hold it: the adapter writes the bytes as they are. A new
  // Response per request with plain-object headers, as the gateway builds one.
  const bytes = new TextEncoder().encode(body);
  app.get(`/${name}`, () => new Response(bytes, { status, headers }));
  if (!deliveries) continue;
  app.get(`/${name}/ledger`, async () => {
    // One row per story, with values the shape of the gateway's: a receipt id is fixed per holder, story
    // and version (access/receipt.ts), one value per story for one token, a thousand for a thousand; each
    // holder is its own credential (the gateway's pool tokens have a jti each), so the rows spread over
    // the credential index as the gateway's do; slugs and receipts have the gateway's lengths.
    const holder = sent++ % holders;
    const items: DeliveredItem[] = Array.from({ length: deliveries }, (_, i) => ({
      slug: `bench-story-${String(i).padStart(10, '0')}`,
      version: 1,
      receipt: `wg-${hex(holder, 12)}${hex(i, 12)}`,
    }));
    await account(
      ledger.driver,
      { licensee, credentialKind: 'token', credential: `bench-pool-${holder}`, format: 'rss', country: undefined },
      items,
      Date.now(),
    );
    return new Response(bytes, { status, headers });
  });
}
// The gateway holds one of Node's tick objects so that nextTick stays fast (src/node/tick-shape.ts); the
// baseline does too, or its rate would depend on when its collections fell (up to a fifth slower).
const server = serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: '127.0.0.1' }, holdTickShape);
process.once('SIGTERM', () =>
  server.close(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }),
);
