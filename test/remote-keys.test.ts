// A remote key set (WIREGATE_JWKS_URL) served by a real loopback server: up, down, slow, garbage,
// empty; in Node and in workerd. 503 with Retry-After when keys cannot be had, never full text,
// never a 401 that blames the token, public requests unaffected, and no fetch per request.

import { describe, expect, inject, it } from 'vitest';
import { BINDINGS, bearer, CONTENT_PATHS, gateway, LATE } from './support/gateway.ts';

const SERVER = inject('jwksServer');
let serial = 0;

async function setup(kind: 'keys' | 'fail' | 'slow' | 'garbage' | 'empty') {
  const gw = await gateway();
  const id = `t${Date.now()}-${serial++}`;
  if (kind === 'keys') await fetch(`${SERVER}/keys/${id}`, { method: 'POST', body: JSON.stringify({ keys: [gw.es256.publicJwk] }) });
  const bindings = { ...BINDINGS, WIREGATE_JWKS_URL: `${SERVER}/${kind}/${id}` };
  const count = async () => Number(await (await fetch(`${SERVER}/count/${id}`)).text());
  return { gw, bindings, count };
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
