// The benchmark's baseline: a minimal Hono app on the same server stack, returning fixed bytes.
// Each route answers with exactly the bytes the real gateway sent for one scenario.

import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const bodies = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, { body: string; type: string; status: number }>;
const app = new Hono();
for (const [name, { body, type, status }] of Object.entries(bodies)) {
  app.get(`/${name}`, () => new Response(body, { status, headers: { 'content-type': type } }));
}
serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: '127.0.0.1' }, () => process.stdout.write('ready\n'));
