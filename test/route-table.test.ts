// The route table (src/routes/table.ts) is the app: every registered route is in it and every entry is
// registered, and the shared matrices run over all of it — methods, HEAD, credentials, leaks — so a new
// route is tested the day it is added.

import { beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../src/app.ts';
import { GET_ONLY, ROUTES } from '../src/routes/table.ts';
import { BINDINGS, gateway, LATE, SLUG, type Gateway } from './support/gateway.ts';

let gw: Gateway;
beforeAll(async () => {
  gw = await gateway();
});

const examples = (r: (typeof ROUTES)[number]) => r.examples(SLUG, 'world');

describe('the table and the app agree', () => {
  it('every route the app registers is in the table, with its methods, and every entry is registered', () => {
    const app = newApp(() => gw.store);
    const registered = new Set(app.routes.filter((r) => r.path !== '/*' && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    // Admin routes answer every method themselves (405 with their own Allow): registered as ALL.
    const all = new Set(app.routes.filter((r) => r.method === 'ALL' && r.path !== '/*').map((r) => r.path));
    for (const route of ROUTES) {
      if (route.kind === 'admin') expect(all.has(route.path), route.path).toBe(true);
      else for (const m of route.methods) expect(registered.has(`${m} ${route.path}`), `${m} ${route.path}`).toBe(true);
    }
    const declared = new Set(ROUTES.flatMap((r) => (r.kind === 'admin' ? [`ALL ${r.path}`] : r.methods.map((m) => `${m} ${r.path}`))));
    for (const key of registered) expect(declared.has(key), `${key} is registered but not in the table`).toBe(true);
    for (const path of all) {
      const inTable = ROUTES.some((r) => r.path === path);
      expect(inTable, `ALL ${path} is registered but not in the table`).toBe(true);
    }
  });

  it("the app routes with Hono's RegExpRouter alone, and it takes every path of the table", async () => {
    const app = newApp(() => gw.store);
    expect(app.router.name).toBe('RegExpRouter');
    // It builds its matcher at the first request, and throws there if a pattern is one it cannot take.
    expect((await app.request('/healthz', {}, BINDINGS)).status).toBe(200);
    for (const route of GET_ONLY) for (const path of examples(route)) expect((await app.request(path, {}, BINDINGS)).status, path).toBeLessThan(500);
  });
});

describe('GET-only routes', () => {
  for (const route of GET_ONLY) {
    for (const path of examples(route)) {
      it(`${path}: HEAD as GET without a body; other methods 405; no late text without a license`, async () => {
        const get = await gw.request(path);
        expect(await get.text()).not.toContain(LATE);
        const head = await gw.request(path, { method: 'HEAD' });
        expect(head.status).toBe(get.status);
        expect(await head.text()).toBe('');
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
          const res = await gw.request(path, { method });
          expect(res.status, `${method} ${path}`).toBe(405);
          expect(res.headers.get('allow')).toBe('GET, HEAD');
        }
      });

      if (route.kind !== 'health') {
        it(`${path}: a bad token is 401 (any Authorization on a private URL 400), a token in the URL 400, judged first`, async () => {
          const bad = await gw.request(path, { headers: { Authorization: 'Bearer not.a.token' } });
          // A private feed URL is a credential already: a second one is 400 (SPEC §11).
          expect(bad.status).toBe(route.kind === 'private' ? 400 : 401);
          expect(await bad.text()).not.toContain(LATE);
          const inUrl = await gw.request(`${path}${path.includes('?') ? '&' : '?'}access_token=x`);
          expect(inUrl.status).toBe(400);
        });
      }
    }
  }
});

describe('operator routes', () => {
  for (const route of ROUTES.filter((r) => r.kind === 'admin')) {
    for (const path of examples(route)) {
      it(`${path}: 401 without an operator token, 405 with Allow for other methods`, async () => {
        for (const method of route.methods) {
          const res = await gw.request(path, { method });
          expect(res.status, `${method} ${path}`).toBe(401);
        }
        const other = (['GET', 'POST', 'PUT', 'DELETE'] as const).find((m) => !route.methods.includes(m))!;
        const res = await gw.request(path, { method: other });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')?.split(', ').sort()).toEqual([...route.methods].sort());
      });
    }
  }
});

void BINDINGS;
