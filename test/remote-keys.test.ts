// A remote key set (WIREGATE_JWKS_URL) served by a real loopback server: up, down, slow, garbage,
// empty; in Node and in workerd. 503 with Retry-After when keys cannot be had, never full text,
// never a 401 that blames the token, public requests unaffected, and no fetch per request.

import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { Bindings } from '../src/settings.ts';
import { BINDINGS, bearer, CONTENT_PATHS, gateway, LATE, type Gateway } from './support/gateway.ts';

const SERVER = inject('jwksServer');
let serial = 0;

async function setup(kind: 'keys' | 'fail' | 'slow' | 'garbage' | 'empty' | 'padded') {
  const gw = await gateway();
  const id = `t${Date.now()}-${serial++}`;
  if (kind === 'keys' || kind === 'padded') await fetch(`${SERVER}/keys/${id}`, { method: 'POST', body: JSON.stringify({ keys: [gw.es256.publicJwk] }) });
  const bindings = { ...BINDINGS, WIREGATE_JWKS_URL: `${SERVER}/${kind}/${id}` };
  const count = async () => Number(await (await fetch(`${SERVER}/count/${id}`)).text());
  return { gw, bindings, id, count };
}

describe('remote key set', () => {
  it('up: licensed requests get the full text; the set is fetched once', async () => {
    const { gw, bindings, count } = await setup('keys');
    for (const path of CONTENT_PATHS) {
      const res = await gw.request(path, bearer(await gw.token()), bindings);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(LATE);
    }
    expect(await count()).toBe(1);
  });

  it.each(['fail', 'garbage', 'empty'] as const)('%s: 503 with Retry-After, no story text, public still served, one fetch', async (kind) => {
    const { gw, bindings, count } = await setup(kind);
    const token = await gw.token();
    for (let i = 0; i < 10; i++) {
      const res = await gw.request(CONTENT_PATHS[i % CONTENT_PATHS.length]!, bearer(token), bindings);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const text = await res.text();
      expect(JSON.parse(text).code).toBe('keys_unavailable');
      expect(text).not.toContain(LATE);
      expect(text).not.toContain(token);
    }
    const anonymous = await gw.request(CONTENT_PATHS[0], undefined, bindings);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain(LATE);
    expect(await count()).toBe(1);
  });

  it('slow: gives up after the timeout with 503, and does not wait again for every request', async () => {
    const { gw, bindings, count } = await setup('slow');
    const token = await gw.token();
    const first = await gw.request(CONTENT_PATHS[3], bearer(token), bindings);
    expect(first.status).toBe(503);
    expect(await first.text()).not.toContain(LATE);
    const second = await gw.request(CONTENT_PATHS[3], bearer(token), bindings);
    expect(second.status).toBe(503);
    expect(await count()).toBe(1);
  }, 15_000);
});

/** Date only: fetch timeouts and the loopback server keep real time. */
function fakeClock(): { advance: (ms: number) => void } {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return { advance: (ms) => vi.setSystemTime(Date.now() + ms) };
}

const MINUTE = 60_000;

describe('remote key set: a bounded stale period while the endpoint is down (issue 11, finding 2)', () => {
  afterEach(() => vi.useRealTimers());

  async function expectUnavailable(res: Response, token: string): Promise<void> {
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe('keys_unavailable');
    expect(text).not.toContain(LATE);
    expect(text).not.toContain(token);
  }

  it('default: trusted up to 10 + 15 minutes after the last fetch, then 503 with Retry-After; public still served', async () => {
    const { gw, bindings, id, count } = await setup('keys');
    const clock = fakeClock();
    const token = await gw.token();
    expect(await (await gw.request(CONTENT_PATHS[2], bearer(token), bindings)).text()).toContain(LATE);
    await fetch(`${SERVER}/keys/${id}`, { method: 'DELETE' });
    clock.advance(10 * MINUTE + 15_000); // the finding: 615 s later, past the cache age
    expect(await (await gw.request(CONTENT_PATHS[2], bearer(token), bindings)).text()).toContain(LATE);
    clock.advance(14 * MINUTE); // 24 min 15 s: still inside the default 15-minute stale bound
    expect(await (await gw.request(CONTENT_PATHS[2], bearer(token), bindings)).text()).toContain(LATE);
    clock.advance(MINUTE); // 25 min 15 s: past it
    for (const path of CONTENT_PATHS) await expectUnavailable(await gw.request(path, bearer(token), bindings), token);
    const pub = await gw.request(CONTENT_PATHS[0], undefined, bindings);
    expect(pub.status).toBe(200);
    expect(await pub.text()).not.toContain(LATE);
    expect(await count()).toBeLessThanOrEqual(4); // one fetch per failure backoff, not one per request
  });

  it('WIREGATE_JWKS_MAX_STALE_S sets the bound; the set is trusted again once the endpoint is back', async () => {
    const { gw, bindings: base, id } = await setup('keys');
    const bindings = { ...base, WIREGATE_JWKS_MAX_STALE_S: '60' };
    const clock = fakeClock();
    const token = await gw.token();
    expect((await gw.request(CONTENT_PATHS[5], bearer(token), bindings)).status).toBe(200);
    await fetch(`${SERVER}/keys/${id}`, { method: 'DELETE' });
    clock.advance(10 * MINUTE + 30_000);
    expect(await (await gw.request(CONTENT_PATHS[5], bearer(token), bindings)).text()).toContain(LATE);
    clock.advance(31_000);
    await expectUnavailable(await gw.request(CONTENT_PATHS[5], bearer(token), bindings), token);
    await fetch(`${SERVER}/keys/${id}`, { method: 'POST', body: JSON.stringify({ keys: [gw.es256.publicJwk] }) });
    clock.advance(31_000); // past the failure backoff
    expect(await (await gw.request(CONTENT_PATHS[5], bearer(token), bindings)).text()).toContain(LATE);
  });

  it('0 means no stale period; a bad value is a settings error (500 for everyone, never content)', async () => {
    const { gw, bindings: base, id } = await setup('keys');
    const clock = fakeClock();
    const token = await gw.token();
    const bindings = { ...base, WIREGATE_JWKS_MAX_STALE_S: '0' };
    expect((await gw.request(CONTENT_PATHS[1], bearer(token), bindings)).status).toBe(200);
    await fetch(`${SERVER}/keys/${id}`, { method: 'DELETE' });
    clock.advance(10 * MINUTE);
    await expectUnavailable(await gw.request(CONTENT_PATHS[1], bearer(token), bindings), token);
    const bad = await gw.request(CONTENT_PATHS[1], bearer(token), { ...base, WIREGATE_JWKS_MAX_STALE_S: '-5' });
    expect(bad.status).toBe(500);
    expect(await bad.text()).not.toContain(LATE);
  });
});

describe('remote key set: bounded body and key count (issue 11, finding 3)', () => {
  /** `n` copies of the test key under other kids, plus the key itself. */
  const keysWith = (gw: Gateway, n: number) => [gw.es256.publicJwk, ...Array.from({ length: n }, (_, i) => ({ ...gw.es256.publicJwk, kid: `filler-${i}` }))];

  async function licensedStatus(gw: Gateway, bindings: Bindings): Promise<{ status: number; text: string }> {
    const res = await gw.request(CONTENT_PATHS[0], bearer(await gw.token()), bindings);
    return { status: res.status, text: await res.text() };
  }

  it.each([
    ['a body over 64 KiB with Content-Length', (gw: Gateway) => JSON.stringify({ keys: [gw.es256.publicJwk], pad: 'x'.repeat(70 * 1024) })],
    ['more than 100 keys', (gw: Gateway) => JSON.stringify({ keys: keysWith(gw, 100) })],
  ])('%s: 503 keys_unavailable, no story text', async (_name, body) => {
    const { gw, bindings, id } = await setup('fail');
    await fetch(`${SERVER}/keys/${id}`, { method: 'POST', body: body(gw) });
    const { status, text } = await licensedStatus(gw, { ...bindings, WIREGATE_JWKS_URL: `${SERVER}/keys/${id}` });
    expect(status).toBe(503);
    expect(JSON.parse(text).code).toBe('keys_unavailable');
    expect(text).not.toContain(LATE);
  });

  it('a chunked body that grows past 64 KiB: 503, no story text', async () => {
    const { gw, bindings } = await setup('padded');
    const { status, text } = await licensedStatus(gw, bindings);
    expect(status).toBe(503);
    expect(JSON.parse(text).code).toBe('keys_unavailable');
    expect(text).not.toContain(LATE);
  });

  it('100 keys within 64 KiB are accepted', async () => {
    const { gw, bindings, id } = await setup('fail');
    await fetch(`${SERVER}/keys/${id}`, { method: 'POST', body: JSON.stringify({ keys: keysWith(gw, 99) }) });
    const { status, text } = await licensedStatus(gw, { ...bindings, WIREGATE_JWKS_URL: `${SERVER}/keys/${id}` });
    expect(status).toBe(200);
    expect(text).toContain(LATE);
  });
});
