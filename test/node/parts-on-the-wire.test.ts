// A licensed feed copy leaves the Node server in parts (src/node/send-parts.ts): its template's bytes
// and the token's receipts, written in one go, never joined. On the wire it must be the very bytes the
// app answers with (where they are joined), framed right, on a connection that goes on serving; and a
// response that carries no copy (HEAD, 304, a refusal, the public excerpt) must not grow one.

import { connect } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/node/server.ts';
import { FEED_FILES } from '../../src/routes/table.ts';
import { APART_FROM } from '../../src/http/receipt-template.ts';
import { BINDINGS, gateway, LATE, seedCopies, type Gateway } from '../support/gateway.ts';

const WIDE = { status: 'active', validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' };
// Twenty-five stories: a copy of more than APART_FROM bytes, so it goes out in parts.
const PARTS = 25;

let gw: Gateway;
let server: ServerType;
let base: string;
let tokens: string[];

beforeAll(async () => {
  // Text a receipt could be mistaken for, and characters beyond ASCII, around the slots.
  const { files } = seedCopies('parts', PARTS, (i) => ({
    headline: `Part ${i} — “wg-0” ${'é'.repeat(i)}`,
    updated: `2026-01-${String(i + 1).padStart(2, '0')}T08:00:00Z`,
  }));
  gw = await gateway({ extraFeeds: files, extraLicensees: [{ id: 'parts-news', name: 'Parts News', license: 'LIC-PN-1', feeds: ['parts'], ...WIDE }] });
  tokens = await Promise.all([1, 2, 3].map(() => gw.token({ sub: 'parts-news', scope: 'feed:parts' })));
  const started = await startServer({ store: gw.store, bindings: BINDINGS, port: 0, host: '127.0.0.1' });
  server = started.server;
  base = started.url;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** What the app answers, its body joined (no socket: nothing is sent apart). */
async function joined(path: string, token: string): Promise<{ bytes: Buffer; etag: string | null }> {
  const res = await gw.request(path, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return { bytes: Buffer.from(await res.arrayBuffer()), etag: res.headers.get('etag') };
}

/** Sends `raw` on one connection and reads until the server closes it. */
function exchange(raw: string): Promise<Buffer> {
  const { port, hostname } = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(raw));
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

/** The responses in `data`, framed by Content-Length alone (no chunked coding may appear). */
function responses(data: Buffer, heads: readonly boolean[]): { status: number; headers: Map<string, string>; body: Buffer }[] {
  const out = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    expect(end).toBeGreaterThan(-1);
    const [status, ...lines] = data.subarray(at, end).toString('latin1').split('\r\n');
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const));
    expect(headers.get('transfer-encoding')).toBeUndefined();
    at = end + 4;
    const length: number = heads[out.length] ? 0 : Number(headers.get('content-length') ?? 0);
    out.push({ status: Number(status!.split(' ')[1]), headers, body: data.subarray(at, at + length) });
    at += length;
  }
  return out;
}

describe('a licensed feed copy sent in parts', () => {
  it('is byte for byte the joined copy, in every format, on the pipeline and from the kept answer', async () => {
    for (const file of FEED_FILES) {
      const path = `/feeds/parts/${file}`;
      for (const token of tokens) {
        const expected = await joined(path, token);
        expect(expected.bytes.toString('utf8')).toContain(LATE);
        expect(expected.bytes.byteLength).toBeGreaterThanOrEqual(APART_FROM);
        // Twice: the first goes through the pipeline, the second is the token's kept answer.
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
          expect(res.status).toBe(200);
          expect(res.headers.get('content-length')).toBe(String(expected.bytes.byteLength));
          expect(res.headers.get('etag')).toBe(expected.etag);
          expect(res.headers.get('cache-control')).toBe('private, no-store');
          expect(Buffer.from(await res.arrayBuffer()).equals(expected.bytes)).toBe(true);
        }
      }
    }
  });

  it('leaves a kept-alive connection framed for what follows: HEAD, 304, a small copy sent whole, a refusal, the public feed', async () => {
    const path = '/feeds/parts/rss.xml';
    const [token] = tokens;
    const { bytes, etag } = await joined(path, token!);
    const demo = await gw.token();
    const small = await joined('/feeds/world/rss.xml', demo);
    expect(small.bytes.byteLength).toBeLessThan(APART_FROM);
    const get = (headers = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n${headers}\r\n`;
    const raw = [
      get(),
      `HEAD ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      get(`If-None-Match: ${etag}\r\n`),
      get(),
      `GET /feeds/world/rss.xml HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${demo}\r\n\r\n`,
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not.a.token\r\n\r\n`,
      `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    ].join('');
    const [first, head, notModified, again, whole, refused, excerpt] = responses(await exchange(raw), [false, true]);
    expect(first!.status).toBe(200);
    expect(first!.body.equals(bytes)).toBe(true);
    expect(head!.status).toBe(200);
    expect(notModified!.status).toBe(304);
    expect(again!.body.equals(bytes)).toBe(true);
    expect(whole!.body.equals(small.bytes)).toBe(true);
    expect(refused!.status).toBe(401);
    expect(refused!.body.toString('utf8')).not.toContain(LATE);
    expect(excerpt!.status).toBe(200);
    expect(excerpt!.body.toString('utf8')).not.toContain(LATE);
    const receipts = bytes.toString('utf8').match(/wg-[0-9a-f]{16,}/g) ?? [];
    expect(receipts.length).toBeGreaterThanOrEqual(PARTS);
    for (const receipt of receipts) expect(excerpt!.body.toString('utf8')).not.toContain(receipt);
  });
});
