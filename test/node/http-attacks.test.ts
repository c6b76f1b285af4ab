// Issue 7, item 1, on the wire: raw HTTP/1.1 over node:net against the real Node server, so no
// client normalises the request target, folds headers or fixes framing before the gateway sees it.

import { connect } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/node/server.ts';
import { BINDINGS, gateway, LATE, LICENSE_LINE, SLUG, type Gateway } from '../support/gateway.ts';

interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly headers: [string, string][];
  readonly body: string;
}

let gw: Gateway;
let server: ServerType;
let port: number;
let entitled: string;
let notEntitled: string;

beforeAll(async () => {
  gw = await gateway();
  entitled = await gw.token();
  notEntitled = await gw.token({ scope: 'feed:sports' });
  const started = await startServer({ store: gw.store, bindings: BINDINGS, port: 0, host: '127.0.0.1' });
  server = started.server;
  port = Number(new URL(started.url).port);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// ---------------------------------------------------------------------------------------------
// a tiny HTTP/1.1 client that sends bytes as given and parses what comes back

/**
 * Sends `raw` on a fresh connection and reads until the server closes it (or 5 s pass). The write
 * side stays open: Node's server aborts in-flight requests when the client half-closes first, so
 * every request here ends with `Connection: close` (or is malformed, which closes it too).
 */
function exchange(raw: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(raw));
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
  });
}

/** Parses every response in `data`; `heads` says which requests were HEAD (no body follows). */
function parseResponses(data: Buffer, heads: boolean[] = []): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const head = data.subarray(at, end).toString('latin1');
    const [statusLine, ...lines] = head.split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? NaN);
    const headers = lines.map((l): [string, string] => {
      const i = l.indexOf(':');
      return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
    });
    const get = (name: string) => headers.find(([n]) => n === name)?.[1];
    at = end + 4;
    let body: Buffer = Buffer.alloc(0);
    const noBody = heads[out.length] === true || status === 304 || status === 204 || (status >= 100 && status < 200);
    if (!noBody) {
      if (/chunked/i.test(get('transfer-encoding') ?? '')) {
        const parts: Buffer[] = [];
        for (;;) {
          const lineEnd = data.indexOf('\r\n', at);
          if (lineEnd === -1) break;
          const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
          at = lineEnd + 2;
          if (!size) {
            const trailerEnd = data.indexOf('\r\n', at);
            at = trailerEnd === -1 ? data.length : trailerEnd + 2;
            break;
          }
          parts.push(data.subarray(at, at + size));
          at += size + 2;
        }
        body = Buffer.concat(parts);
      } else if (get('content-length') !== undefined) {
        const n = Number(get('content-length'));
        body = data.subarray(at, at + n);
        at += n;
      } else {
        body = data.subarray(at);
        at = data.length;
      }
    }
    out.push({ status, head, headers, body: body.toString('utf8') });
  }
  return out;
}

async function send(raw: string | Buffer, heads: boolean[] = []): Promise<RawResponse[]> {
  return parseResponses(await exchange(raw), heads);
}

async function one(raw: string | Buffer, head = false): Promise<RawResponse> {
  const responses = await send(raw, [head]);
  expect(responses.length, `one response to ${JSON.stringify(raw.toString().slice(0, 120))}`).toBe(1);
  return responses[0]!;
}

function host(): string {
  return `127.0.0.1:${port}`;
}

function request(target: string, headers: string[] = [], method = 'GET'): string {
  return `${method} ${target} HTTP/1.1\r\nHost: ${host()}\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
}

/** Never LATE, nor a license line or a licensed cache policy, anywhere in a response. */
function expectNoLeak(res: RawResponse, label: string): void {
  const all = `${res.head}\r\n\r\n${res.body}`;
  expect(all.includes(LATE), `${label}: LATE leaked (status ${res.status})`).toBe(false);
  expect(all.includes(LICENSE_LINE), `${label}: license line`).toBe(false);
  expect(/private, no-store/.test(res.head), `${label}: a licensed response`).toBe(false);
  expect(all.includes(entitled), `${label}: the token is echoed`).toBe(false);
}

function header(res: RawResponse, name: string): string | undefined {
  return res.headers.find(([n]) => n === name)?.[1];
}

// ---------------------------------------------------------------------------------------------

describe('control: the raw client sees what a normal client does', () => {
  it('GET the story anonymously: public excerpt; with an entitled token: the licensed copy', async () => {
    const anon = await one(request(`/articles/${SLUG}`));
    expect(anon.status).toBe(200);
    expect(header(anon, 'cache-control')).toMatch(/^public/);
    expectNoLeak(anon, 'anonymous');
    const licensed = await one(request(`/articles/${SLUG}`, [`Authorization: Bearer ${entitled}`]));
    expect(licensed.status).toBe(200);
    expect(licensed.body).toContain(LATE);
    expect(() => expectNoLeak(licensed, 'licensed')).toThrow();
  });
});

describe('raw request targets the client never normalises', () => {
  const TARGETS = [
    `//articles/${SLUG}`,
    `//articles/${SLUG}.json`,
    `/articles//${SLUG}`,
    `/articles/../articles/${SLUG}`,
    `/articles/./${SLUG}`,
    `/x/../articles/${SLUG}`,
    `/../articles/${SLUG}`,
    `/articles/%2e%2e/articles/${SLUG}`,
    `/articles/%2e/${SLUG}`,
    `/articles%2F${SLUG}`,
    `/articles/${SLUG}%00`,
    `/articles/${SLUG}%00.json`,
    `/articles/${SLUG}/`,
    `/ARTICLES/${SLUG}`,
    `/articles/${SLUG.toUpperCase()}`,
    `/articles/${SLUG};x=1`,
    `/articles/${SLUG}.json;.txt`,
    `/articles/${SLUG}.json.txt`,
    `/articles\\${SLUG}`,
    `/articles/%74${SLUG.slice(1)}`,
    '//feeds/world/rss.xml',
    '/feeds/world/../world/rss.xml',
    '/feeds/WORLD/rss.xml',
    '/feeds/world/rss.xml/',
    '/feeds/world%2Frss.xml',
    `http://evil.example/articles/${SLUG}`,
    `http://evil.example//articles/${SLUG}`,
    `https://${'127.0.0.1'}/articles/${SLUG}`,
  ];

  const MODES: [string, string[], number[]][] = [
    ['anonymous', [], [200, 400, 404]],
    ['not entitled', [`Authorization: Bearer ${'NOT_ENTITLED'}`], [400, 403, 404]],
    ['bad token', ['Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA'], [400, 401, 404]],
  ];

  it.each(MODES)('%s', async (mode, auth, allowed) => {
    for (const target of TARGETS) {
      for (const method of ['GET', 'HEAD']) {
        const headers = auth.map((h) => h.replace('NOT_ENTITLED', notEntitled));
        const res = await one(request(target, headers, method), method === 'HEAD');
        const label = `${mode} ${method} ${target} → ${res.status}`;
        expect(allowed, label).toContain(res.status);
        expectNoLeak(res, label);
        if (method === 'HEAD') expect(res.body, label).toBe('');
        if (res.status === 200) expect(header(res, 'cache-control'), label).toMatch(/^public, max-age=\d+$/);
        // Links come from WIREGATE_PUBLIC_URL, never from the request's host or absolute form.
        expect(res.body.includes('evil.example'), `${label}: links follow the request's host`).toBe(false);
      }
    }
  });

  it('a raw NUL, a raw space or a control byte in the request target is refused', async () => {
    for (const target of [`/articles/${SLUG}\0`, `/articles/${SLUG}\0.json`, `/articles/${SLUG} x`, `/articles/${SLUG}\x7f`, `/articles/\t${SLUG}`]) {
      const res = await one(Buffer.from(request(target), 'latin1'));
      const label = `${JSON.stringify(target)} → ${res.status}`;
      expect([400, 404], label).toContain(res.status);
      expectNoLeak(res, label);
    }
  });

  it('a Host header or absolute form naming another host changes no link', async () => {
    for (const raw of [
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
      `GET /feeds/world/rss.xml HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: http\r\nConnection: close\r\n\r\n`,
      `GET http://evil.example/feeds/world/atom.xml HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`,
      `GET /articles/${SLUG} HTTP/1.0\r\n\r\n`,
    ]) {
      const res = await one(raw);
      const label = `${raw.split('\r\n')[0]} → ${res.status}`;
      expect([200, 400], label).toContain(res.status);
      expectNoLeak(res, label);
      expect(res.body, label).not.toContain('evil.example');
    }
  });
});

describe('headers on the wire', () => {
  it('two Authorization header lines are two credentials: 400, whatever their order', async () => {
    const pairs: [string, string][] = [
      [entitled, 'bogus'],
      ['bogus', entitled],
      [entitled, entitled],
      [entitled, notEntitled],
    ];
    for (const [a, b] of pairs) {
      for (const target of [`/articles/${SLUG}`, `/articles/${SLUG}.txt`, '/feeds/world/rss.xml']) {
        const res = await one(request(target, [`Authorization: Bearer ${a}`, `Authorization: Bearer ${b}`]));
        const label = `${target} Authorization ×2 (${a === entitled ? 'valid' : a.slice(0, 6)}, ${b === entitled ? 'valid' : b.slice(0, 6)}) → ${res.status}`;
        expect(res.status, label).toBe(400);
        expect(header(res, 'www-authenticate') ?? '', label).toContain('error="invalid_request"');
        expectNoLeak(res, label);
      }
    }
  });

  it('Bearer and License schemes in two lines are two credentials: 400', async () => {
    const res = await one(request(`/articles/${SLUG}`, [`Authorization: Bearer ${entitled}`, `authorization: License ${entitled}`]));
    expect(res.status).toBe(400);
    expectNoLeak(res, 'Bearer + License');
  });

  it('an obs-fold continuation line never yields more than the excerpt', async () => {
    const res = await one(`GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nX-Note: first\r\n  continued\r\nConnection: close\r\n\r\n`);
    expect([200, 400], `obs-fold → ${res.status}`).toContain(res.status);
    expectNoLeak(res, 'obs-fold');
    // A folded Authorization: refused outright, or (if unfolded) judged as one credential; never a 5xx.
    const folded = await one(
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer bogus\r\n Bearer ${entitled}\r\nConnection: close\r\n\r\n`,
    );
    expect([400, 401], `folded Authorization → ${folded.status}`).toContain(folded.status);
    expectNoLeak(folded, 'folded Authorization');
    const foldedNotEntitled = await one(
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer\r\n ${notEntitled}\r\nConnection: close\r\n\r\n`,
    );
    expect([400, 401, 403], `folded not-entitled → ${foldedNotEntitled.status}`).toContain(foldedNotEntitled.status);
    expectNoLeak(foldedNotEntitled, 'folded not-entitled Authorization');
  });

  it("headers past Node's maxHeadersCount (2,000) cannot hide a second credential: 400, never served (issue 11, finding 6)", async () => {
    const fillers = (n: number) => Array.from({ length: n }, () => 'a:');
    const cases: [string, string[]][] = [
      ['Bearer + 2,100 fillers + Basic', [`Authorization: Bearer ${entitled}`, ...fillers(2_100), 'Authorization: Basic abc']],
      ['Bearer + 2,100 fillers + Bearer', [`Authorization: Bearer ${entitled}`, ...fillers(2_100), `Authorization: Bearer ${entitled}`]],
      ['Bearer + 2,100 fillers', [`Authorization: Bearer ${entitled}`, ...fillers(2_100)]],
      ['2,100 fillers + Bearer', [...fillers(2_100), `Authorization: Bearer ${entitled}`]],
    ];
    for (const [label, headers] of cases) {
      for (const target of [`/articles/${SLUG}`, `/articles/${SLUG}.txt`, '/feeds/world/rss.xml']) {
        const res = await one(request(target, headers));
        expect(res.status, `${label} ${target}`).toBe(400);
        expect(['multiple_credentials', 'invalid_request'], label).toContain((JSON.parse(res.body) as { code: string }).code);
        expectNoLeak(res, label);
      }
    }
    // Below the limit the request is judged as usual: two credentials are two credentials.
    const below = await one(request(`/articles/${SLUG}`, [`Authorization: Bearer ${entitled}`, ...fillers(1_900), 'Authorization: Basic abc']));
    expect(below.status).toBe(400);
    expect((JSON.parse(below.body) as { code: string }).code).toBe('multiple_credentials');
    const served = await one(request(`/articles/${SLUG}`, [`Authorization: Bearer ${entitled}`, ...fillers(1_900)]));
    expect(served.status).toBe(200);
  });

  it('an over-long header (64 KB) is refused with 431 or 400', async () => {
    for (const line of [`X-Pad: ${'a'.repeat(64 * 1024)}`, `Authorization: Bearer ${entitled}${'A'.repeat(64 * 1024)}`, `Cookie: ${'c=1; '.repeat(13_000)}`]) {
      const res = await one(request(`/articles/${SLUG}`, [line]));
      expect([400, 431], `${line.slice(0, 20)} → ${res.status}`).toContain(res.status);
      expectNoLeak(res, line.slice(0, 20));
    }
  });

  it('Transfer-Encoding: chunked on a GET with a body is judged as the GET it is, without smuggling', async () => {
    const smuggled = `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${entitled}\r\n\r\n`;
    const chunked = `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`;
    const responses = await send(chunked);
    expect(responses.length).toBe(1);
    const res = responses[0]!;
    expect([200, 400], `chunked GET → ${res.status}`).toContain(res.status);
    expectNoLeak(res, 'chunked GET');
    if (res.status === 200) expect(header(res, 'cache-control')).toMatch(/^public/);
  });

  it('Content-Length with Transfer-Encoding, duplicate Content-Lengths and bad chunk framing are refused, and smuggle nothing', async () => {
    const inner = `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${entitled}\r\n\r\n`;
    const cases = [
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${inner}`,
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nContent-Length: 0\r\nContent-Length: ${inner.length}\r\n\r\n${inner}`,
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nTransfer-Encoding : chunked\r\n\r\nzz\r\n`,
    ];
    for (const raw of cases) {
      const responses = await send(raw);
      const label = raw.split('\r\n').slice(2, 4).join(' | ');
      expect(responses.length, label).toBeGreaterThan(0);
      expect(responses[0]!.status, label).toBe(400);
      // Whatever the framing, no response on this connection came from the smuggled licensed request
      // other than to a client that sent the token itself; here none may carry the licensed copy.
      for (const res of responses) expectNoLeak(res, label);
    }
  });

  it('a licensed request then an anonymous one on the same keep-alive connection', async () => {
    const raw =
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${entitled}\r\n\r\n` +
      `GET /articles/${SLUG} HTTP/1.1\r\nHost: ${host()}\r\n\r\n` +
      `HEAD /articles/${SLUG}.json HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${entitled}\r\n\r\n` +
      `GET /articles/${SLUG}.json HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`;
    const [licensed, anonymous, licensedHead, anonymousJson] = await send(raw, [false, false, true, false]);
    expect(licensed?.status).toBe(200);
    expect(licensed?.body).toContain(LATE);
    expect(anonymous?.status).toBe(200);
    expectNoLeak(anonymous!, 'anonymous after licensed on one connection');
    expect(licensedHead?.status).toBe(200);
    expect(licensedHead?.body).toBe('');
    expect(anonymousJson?.status).toBe(200);
    expectNoLeak(anonymousJson!, 'anonymous JSON after licensed HEAD on one connection');
  });

  it('TRACE and unknown methods are 405 and echo neither the token nor the story', async () => {
    for (const method of ['TRACE', 'FOO', 'PROPFIND', 'get']) {
      const res = await one(request(`/articles/${SLUG}`, [`Authorization: Bearer ${entitled}`, 'Max-Forwards: 0'], method));
      const label = `${method} → ${res.status}`;
      expect([400, 405], label).toContain(res.status);
      expectNoLeak(res, label);
    }
  });

  it('asterisk-form and CONNECT targets never reach content', async () => {
    for (const raw of [
      `OPTIONS * HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`,
      `GET * HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${entitled}\r\nConnection: close\r\n\r\n`,
      `CONNECT ${host()} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`,
    ]) {
      const responses = await send(raw);
      for (const res of responses) {
        const label = `${raw.split('\r\n')[0]} → ${res.status}`;
        expect(res.status, label).not.toBe(200);
        expectNoLeak(res, label);
      }
    }
  });
});
