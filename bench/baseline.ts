// The benchmark's baseline: a bare Hono app on the same server stack (@hono/node-server), answering each
// scenario's route with exactly the status, headers and body the gateway sent for it. Run as a child
// process: `node --import tsx bench/baseline.ts <captured.json>`; prints nothing, serves on PORT.

import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Captured } from './scenarios.ts';

const captured = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, Captured>;
const app = new Hono();
app.get('/healthz', (c) => c.text('ok'));
for (const [name, { status, headers, body }] of Object.entries(captured)) {
  // Encoded once, as a static file server would hold it: the adapter writes the bytes as they are. A new
  // Response per request with plain-object headers, as the gateway builds one.
  const bytes = new TextEncoder().encode(body);
  app.get(`/${name}`, () => new Response(bytes, { status, headers }));
}
const server = serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: '127.0.0.1' });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
