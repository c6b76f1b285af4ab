// The public URL on Workers (issue 10): links follow the Worker's own origin when WIREGATE_PUBLIC_URL is unset,
// a configured URL always wins, and refusals say why in words a developer can act on.

import { beforeAll, describe, expect, it } from 'vitest';
import { withRequestOrigin } from '../src/http/origin-bindings.ts';
import { settingsFrom, type Bindings } from '../src/settings.ts';
import worker from '../src/worker.ts';
import { RUNTIME, testD1 } from '#test-store';
import { bearer, gateway, LATE, packedFiles, SLUG, type Gateway } from './support/gateway.ts';

const SECRET = { WIREGATE_RECEIPT_SECRET: 'test-receipt-secret-not-for-production' };

/** The Worker entry over a real D1 database filled from the repository's files (workerd only: D1 runs there). */
let db: unknown;
async function viaWorker(url: string, env: Bindings): Promise<Response> {
  db ??= await testD1(packedFiles());
  return worker.fetch(new Request(url), { ...env, DB: db } as Bindings, undefined as never);
}

describe.runIf(RUNTIME === 'workerd')('the Workers entry without WIREGATE_PUBLIC_URL', () => {
  it('links to the origin the request came to: Link header, robots.txt, RSL and the story page', async () => {
    const env: Bindings = { ...SECRET };
    const res = await viaWorker('https://news.example.org/license', env);
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBe(
      '<https://news.example.org/license>; rel="license", <https://news.example.org/license.xml>; rel="license"; type="application/rsl+xml"',
    );
    const robots = await (await viaWorker('https://news.example.org/robots.txt', env)).text();
    expect(robots).toMatch(/^License: https:\/\/news\.example\.org\/license\.xml$/m);
    const rsl = await (await viaWorker('https://news.example.org/license.xml', env)).text();
    expect(rsl).toContain('url="https://news.example.org/"');
    const page = await (await viaWorker(`https://news.example.org/articles/${SLUG}`, env)).text();
    expect(page).toContain(`<link rel="canonical" href="https://news.example.org/articles/${SLUG}">`);
    for (const text of [robots, rsl, page]) expect(text).not.toContain('localhost');
  });

  it('a second host of the same Worker gets its own links, and neither leaks into the other', async () => {
    const env: Bindings = { ...SECRET };
    const a = await (await viaWorker('https://a.example/robots.txt', env)).text();
    const b = await (await viaWorker('https://b.example/robots.txt', env)).text();
    expect(a).toContain('https://a.example/license.xml');
    expect(a).not.toContain('b.example');
    expect(b).toContain('https://b.example/license.xml');
    expect(b).not.toContain('a.example');
  });

  it('a configured WIREGATE_PUBLIC_URL wins over the request origin', async () => {
    const res = await viaWorker('https://preview.example/license', { ...SECRET, WIREGATE_PUBLIC_URL: 'https://wire.example' });
    expect(res.headers.get('link')).toContain('<https://wire.example/license>');
    expect(await res.text()).not.toContain('preview.example');
  });

  it('derives one bindings object per origin, so parsed settings are reused', () => {
    const env: Bindings = { ...SECRET };
    const first = withRequestOrigin(env, new Request('https://c.example/a'));
    expect(withRequestOrigin(env, new Request('https://c.example/b?x=1'))).toBe(first);
    expect(settingsFrom(first).publicUrl).toBe('https://c.example');
    const configured: Bindings = { WIREGATE_PUBLIC_URL: 'https://wire.example' };
    expect(withRequestOrigin(configured, new Request('https://c.example/'))).toBe(configured);
  });
});

describe('refusals say why', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await gateway();
  });

  it('a token from a key outside the trusted set: 401 whose detail says the key is not trusted', async () => {
    const token = await gw.token({}, { key: gw.untrusted });
    const res = await gw.request(`/articles/${SLUG}.json`, bearer(token));
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('token_key_unknown');
    expect(body.detail).toMatch(/not in this gateway's trusted key set/);
    expect(JSON.stringify(body)).not.toContain(token);
  });

  it('a licensed request where no receipt secret is configured: 503 whose detail says so, without story text', async () => {
    const res = await gw.request(`/articles/${SLUG}.txt`, bearer(await gw.token()), { WIREGATE_PUBLIC_URL: 'https://wire.example' });
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).toMatch(/has not configured a receipt secret/);
    expect(body).not.toContain(LATE);
  });
});
