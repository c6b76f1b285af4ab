// Vitest global setup: a real JWKS server on loopback for the remote-key tests, in Node and workerd alike.
// POST /keys/<id> stores a key set, DELETE /keys/<id> takes it down (then 500); GET /keys/<id> serves it;
// GET /padded/<id> serves it chunked (no Content-Length) after 70 KiB of whitespace; /fail, /slow and /garbage misbehave.
// GET /count/<id> says how many times /keys/<id> (or a misbehaving path with that id) was fetched.
// POST /hub/<id> is a WebSub hub that records publish pings; GET /pings/<id> lists them.

import { createServer, type Server } from 'node:http';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    jwksServer: string;
  }
}

let server: Server | undefined;

export async function setup(project: TestProject): Promise<void> {
  const sets = new Map<string, string>();
  const counts = new Map<string, number>();
  const pings = new Map<string, string[]>();
  server = createServer((req, res) => {
    const [, kind, id = ''] = (req.url ?? '').split('/');
    // A WebSub hub: POST /hub/<id> records a publish ping's body; GET /pings/<id> lists them.
    if (req.method === 'POST' && kind === 'hub') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        pings.set(id, [...(pings.get(id) ?? []), body]);
        res.statusCode = 204;
        res.end();
      });
      return;
    }
    if (kind === 'pings') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(pings.get(id) ?? []));
    }
    if (req.method === 'POST' && kind === 'keys') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        sets.set(id, body);
        res.end('ok');
      });
      return;
    }
    if (req.method === 'DELETE' && kind === 'keys') {
      sets.delete(id);
      return res.end('ok');
    }
    if (kind === 'count') return res.end(String(counts.get(id) ?? 0));
    counts.set(id, (counts.get(id) ?? 0) + 1);
    if (kind === 'keys' && sets.has(id)) {
      res.setHeader('content-type', 'application/json');
      return res.end(sets.get(id));
    }
    if (kind === 'padded' && sets.has(id)) {
      res.setHeader('content-type', 'application/json');
      for (let i = 0; i < 70; i++) res.write(' '.repeat(1024));
      return res.end(sets.get(id));
    }
    if (kind === 'garbage') return res.end('{"keys": [ this is not json');
    if (kind === 'empty') return res.end('{"keys": []}');
    if (kind === 'slow') return void setTimeout(() => res.end('{"keys": []}'), 5_000);
    res.statusCode = 500;
    res.end('down');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  project.provide('jwksServer', `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
}

export async function teardown(): Promise<void> {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
}
