// A remote key set (WIREGATE_JWKS_URL) against a real HTTP server: caching, timeouts, backoff, kid storms, rotation.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideFor, identifyCaller } from '../../src/access/access.ts';
import { RemoteKeySet, type KeySource, type RemoteOptions } from '../../src/access/keys.ts';
import { Problem } from '../../src/problem.ts';
import { settingsFrom, type Bindings } from '../../src/settings.ts';
import { bearer, BINDINGS, CONTENT_PATHS, gateway, LATE, LICENSE_LINE, mint, SLUG, testKey, type Gateway, type TestKey } from '../support/gateway.ts';

// ---- a JWKS server whose answer each test chooses, one path per test ----

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();
let server: Server;
let origin = '';
let routeCount = 0;

const sendJson =
  (body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/jwk-set+json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  };
const sendStatus =
  (status: number): Handler =>
  (_req, res) =>
    res.writeHead(status, { 'Content-Type': 'text/plain' }).end('down');
const delayed =
  (ms: number, inner: Handler): Handler =>
  (req, res) => {
    const timer = setTimeout(() => inner(req, res), ms);
    res.once('close', () => clearTimeout(timer));
  };

/** A fresh URL served by `handler` (remoteKeySource caches one set per URL per process). */
function route(handler: Handler): { url: string; hits: () => number; set: (h: Handler) => void } {
  const path = `/jwks-${++routeCount}/keys.json`;
  routes.set(path, handler);
  return { url: `${origin}${path}`, hits: () => hits.get(path) ?? 0, set: (h) => routes.set(path, h) };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

let gw: Gateway;
let rotated: TestKey;

beforeAll(async () => {
  gw = await gateway();
  rotated = await testKey('ES256', 'rotated-es256');
  server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const goodSet = () => ({ keys: [gw.es256.publicJwk] });
const randomKidToken = () => mint(gw.untrusted, {}, { kid: `kid-${randomUUID()}` });

// ---- the decision point driven directly with a RemoteKeySet ----

interface Outcome {
  readonly status: number;
  readonly code?: string;
  readonly retryAfter?: number;
}

/** What the decision point answers for a licensed request when `keys` is the key source. */
async function outcome(keys: KeySource, token: string): Promise<Outcome> {
  const request = new Request(`https://wire.example/articles/${SLUG}.txt`, bearer(token));
  try {
    const caller = await identifyCaller({ request, settings: settingsFrom(BINDINGS), registry: gw.data.registry, keys });
    const decision = decideFor(caller, ['world']);
    return { status: decision.tier === 'licensed' ? 200 : 0 };
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    return { status: err.status, code: err.code, ...(err.options.retryAfter !== undefined ? { retryAfter: err.options.retryAfter } : {}) };
  }
}

function clock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function remote(url: string, options: RemoteOptions = {}): RemoteKeySet {
  return new RemoteKeySet(url, options);
}

describe('RemoteKeySet', () => {
  it('fetches the set once and then answers from its cache', async () => {
    const r = route(sendJson(goodSet()));
    const set = remote(r.url);
    for (let i = 0; i < 5; i++) expect(await outcome(set.source, await gw.token())).toEqual({ status: 200 });
    expect(r.hits()).toBe(1);
    expect(set.fetchCount.value).toBe(1);
  });

  it('refuses with keys_unavailable (503, Retry-After) when the server is unreachable at start', async () => {
    const set = remote(`http://127.0.0.1:${await closedPort()}/keys.json`);
    const o = await outcome(set.source, await gw.token());
    expect(o).toMatchObject({ status: 503, code: 'keys_unavailable' });
    expect(o.retryAfter).toBeGreaterThanOrEqual(1);
    expect(o.retryAfter).toBeLessThanOrEqual(30);
  });

  it('after a failure makes no new fetch within the backoff, then recovers after it', async () => {
    const r = route(sendStatus(500));
    const c = clock();
    const set = remote(r.url, { now: c.now, failureBackoffMs: 30_000 });
    expect(await outcome(set.source, await gw.token())).toMatchObject({ status: 503, code: 'keys_unavailable', retryAfter: 30 });
    expect(r.hits()).toBe(1);
    r.set(sendJson(goodSet())); // the server comes back, but the backoff still holds
    for (let i = 1; i <= 20; i++) {
      c.advance(1_000);
      const o = await outcome(set.source, await gw.token());
      expect(o).toMatchObject({ status: 503, code: 'keys_unavailable' });
      expect(o.retryAfter).toBe(30 - i);
    }
    expect(r.hits()).toBe(1);
    c.advance(10_000);
    expect(await outcome(set.source, await gw.token())).toEqual({ status: 200 });
    expect(r.hits()).toBe(2);
  });

  it('gives up on a slow server after timeoutMs and refuses with 503', async () => {
    const r = route(delayed(2_000, sendJson(goodSet())));
    const set = remote(r.url, { timeoutMs: 150 });
    const started = Date.now();
    expect(await outcome(set.source, await gw.token())).toMatchObject({ status: 503, code: 'keys_unavailable' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(r.hits()).toBe(1);
  });

  it.each([
    ['garbage JSON', sendJson('{"keys": [ this is not json')],
    ['an empty key set', sendJson({ keys: [] })],
    ['no keys member', sendJson({ foo: 1 })],
    ['a JSON array', sendJson('[{"kty":"EC","kid":"test-es256"}]')],
    ['only private keys', (req: IncomingMessage, res: ServerResponse) => sendJson({ keys: [{ ...gw.es256.publicJwk, d: 'AAAA' }] })(req, res)],
    ['only symmetric keys', sendJson({ keys: [{ kty: 'oct', kid: 'test-es256', k: 'c2VjcmV0' }] })],
    ['an HTTP error', sendStatus(404)],
  ])('refuses with 503 when the server sends %s', async (_name, handler) => {
    const r = route(handler as Handler);
    const set = remote(r.url);
    expect(await outcome(set.source, await gw.token())).toMatchObject({ status: 503, code: 'keys_unavailable' });
    expect(r.hits()).toBe(1);
  });

  it('does not follow a redirect to another key set', async () => {
    const target = route(sendJson(goodSet()));
    const r = route((_req, res) => res.writeHead(302, { Location: target.url }).end());
    const set = remote(r.url);
    expect(await outcome(set.source, await gw.token())).toMatchObject({ status: 503, code: 'keys_unavailable' });
    expect(target.hits()).toBe(0);
  });

  it('an unknown-kid storm costs at most one fetch per cooldown and is refused with 401', async () => {
    const r = route(sendJson(goodSet()));
    const c = clock();
    const set = remote(r.url, { now: c.now, cooldownMs: 30_000 });
    // cold start: 50 concurrent tokens with random kids share one fetch
    const cold = await Promise.all(Array.from({ length: 50 }, async () => outcome(set.source, await randomKidToken())));
    expect(cold.every((o) => o.status === 401 && o.code === 'token_key_unknown')).toBe(true);
    expect(r.hits()).toBe(1);
    // warm, within the cooldown: no fetch at all
    c.advance(5_000);
    for (let i = 0; i < 50; i++) expect(await outcome(set.source, await randomKidToken())).toMatchObject({ status: 401, code: 'token_key_unknown' });
    expect(r.hits()).toBe(1);
    // past the cooldown: one more fetch for the whole next storm
    c.advance(30_000);
    const next = await Promise.all(Array.from({ length: 50 }, async () => outcome(set.source, await randomKidToken())));
    expect(next.every((o) => o.status === 401 && o.code === 'token_key_unknown')).toBe(true);
    expect(r.hits()).toBe(2);
    // and the known key kept working throughout
    expect(await outcome(set.source, await gw.token())).toEqual({ status: 200 });
    expect(r.hits()).toBe(2);
  });

  it('picks up a rotated-in kid after the cooldown, and drops a retired one after maxAge', async () => {
    const r = route(sendJson(goodSet()));
    const c = clock();
    const set = remote(r.url, { now: c.now, cooldownMs: 30_000, maxAgeMs: 600_000 });
    const oldToken = await gw.token();
    const newToken = await mint(rotated);
    expect(await outcome(set.source, oldToken)).toEqual({ status: 200 });
    expect(r.hits()).toBe(1);

    r.set(sendJson({ keys: [gw.es256.publicJwk, rotated.publicJwk] }));
    c.advance(1_000);
    expect(await outcome(set.source, newToken)).toMatchObject({ status: 401, code: 'token_key_unknown' });
    expect(r.hits()).toBe(1); // within the cooldown: not refetched

    c.advance(30_000);
    expect(await outcome(set.source, newToken)).toEqual({ status: 200 });
    expect(r.hits()).toBe(2);
    expect(await outcome(set.source, oldToken)).toEqual({ status: 200 });
    expect(r.hits()).toBe(2);

    // the old key is retired; once the cached set is older than maxAge it is refetched and stops working
    r.set(sendJson({ keys: [rotated.publicJwk] }));
    c.advance(60_000);
    expect(await outcome(set.source, oldToken)).toEqual({ status: 200 }); // still fresh: cached
    c.advance(600_000);
    expect(await outcome(set.source, oldToken)).toMatchObject({ status: 401, code: 'token_key_unknown' });
    expect(await outcome(set.source, newToken)).toEqual({ status: 200 });
    expect(r.hits()).toBe(3);
  });

  it('keeps serving the cached set when a refetch fails', async () => {
    const r = route(sendJson(goodSet()));
    const c = clock();
    const set = remote(r.url, { now: c.now, maxAgeMs: 60_000 });
    expect(await outcome(set.source, await gw.token())).toEqual({ status: 200 });
    r.set(sendStatus(500));
    c.advance(61_000);
    // Whatever the policy for a stale set, a failed refetch must never grant more than before: a known
    // key may keep working, or the request gets 503; an unknown kid is never accepted.
    const known = await outcome(set.source, await gw.token());
    expect([200, 503]).toContain(known.status);
    expect((await outcome(set.source, await randomKidToken())).status).not.toBe(200);
  });
});

// ---- the whole app with WIREGATE_JWKS_URL ----

const withJwks = (url: string): Bindings => ({ ...BINDINGS, WIREGATE_JWKS_URL: url });
const LICENSED_PATH = `/articles/${SLUG}.txt`;

describe('the app with WIREGATE_JWKS_URL', () => {
  it('serves the full text with a token signed by a key from the remote set', async () => {
    const r = route(sendJson(goodSet()));
    const token = await gw.token();
    const res = await gw.request(LICENSED_PATH, bearer(token), withJwks(r.url));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(LATE);
    expect(text).toContain(LICENSE_LINE);
    expect(res.headers.get('Cache-Control')).toMatch(/private/);
    for (const path of CONTENT_PATHS) {
      const each = await gw.request(path, bearer(token), withJwks(r.url));
      expect(each.status, path).toBe(200);
      expect(await each.text(), path).toContain('Nearly half a million Israelis');
    }
    expect(r.hits()).toBe(1);
  });

  it('uses the remote set instead of licenses/jwks.json', async () => {
    const r = route(sendJson(goodSet()));
    // the EdDSA test key is in the local jwks.json, but not in the remote set
    const res = await gw.request(LICENSED_PATH, bearer(await gw.token({}, { key: gw.eddsa })), withJwks(r.url));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('token_key_unknown');
  });

  it('answers 503 with Retry-After when the key server is down at start; public requests still get 200', async () => {
    const bindings = withJwks(`http://127.0.0.1:${await closedPort()}/down/keys.json`);
    const token = await gw.token();
    for (const path of CONTENT_PATHS) {
      const res = await gw.request(path, bearer(token), bindings);
      expect(res.status, path).toBe(503);
      expect(Number(res.headers.get('Retry-After')), path).toBeGreaterThanOrEqual(1);
      expect(res.headers.get('Content-Type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      const body = await res.text();
      expect((JSON.parse(body) as { code: string }).code).toBe('keys_unavailable');
      expect(body).not.toContain(LATE);
      expect(body).not.toContain(token);
      expect([...res.headers.values()].join('\n')).not.toContain(LATE);
    }
    for (const path of CONTENT_PATHS) {
      const pub = await gw.request(path, {}, bindings);
      expect(pub.status, path).toBe(200);
      expect(await pub.text(), path).not.toContain(LATE);
    }
  });

  it('makes no new fetch for 20 more licensed requests within the failure backoff', async () => {
    const r = route(sendStatus(500));
    const bindings = withJwks(r.url);
    const first = await gw.request(LICENSED_PATH, bearer(await gw.token()), bindings);
    expect(first.status).toBe(503);
    expect(r.hits()).toBe(1);
    r.set(sendJson(goodSet()));
    for (let i = 0; i < 20; i++) {
      const res = await gw.request(LICENSED_PATH, bearer(await gw.token()), bindings);
      expect(res.status).toBe(503);
      expect(res.headers.get('Retry-After')).toMatch(/^[1-9]\d*$/);
    }
    expect(r.hits()).toBe(1);
  });

  it('answers 503 when the key server is slower than the fetch timeout', async () => {
    const r = route(delayed(4_500, sendJson(goodSet())));
    const started = Date.now();
    const res = await gw.request(LICENSED_PATH, bearer(await gw.token()), withJwks(r.url));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('keys_unavailable');
    expect(res.headers.get('Retry-After')).toMatch(/^[1-9]\d*$/);
    expect(Date.now() - started).toBeLessThan(4_500);
  }, 15_000);

  it.each([
    ['garbage JSON', '{"keys": nope'],
    ['an empty key set', '{"keys":[]}'],
  ])('answers 503 when the key server sends %s', async (_name, body) => {
    const r = route(sendJson(body));
    const res = await gw.request(LICENSED_PATH, bearer(await gw.token()), withJwks(r.url));
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toMatch(/^[1-9]\d*$/);
    const text = await res.text();
    expect((JSON.parse(text) as { code: string }).code).toBe('keys_unavailable');
    expect(text).not.toContain(LATE);
  });

  it('refuses an unknown-kid storm with 401 at the cost of at most one fetch', async () => {
    const r = route(sendJson(goodSet()));
    const bindings = withJwks(r.url);
    const tokens = await Promise.all(Array.from({ length: 50 }, randomKidToken));
    const responses = await Promise.all(tokens.map((t) => gw.request(LICENSED_PATH, bearer(t), bindings)));
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toMatch(/error="invalid_token"/);
      expect(await res.text()).not.toContain(LATE);
    }
    expect(r.hits()).toBeLessThanOrEqual(1);
    // a good token afterwards is served from the cached set
    expect((await gw.request(LICENSED_PATH, bearer(await gw.token()), bindings)).status).toBe(200);
    expect(r.hits()).toBeLessThanOrEqual(1);
  });
});
