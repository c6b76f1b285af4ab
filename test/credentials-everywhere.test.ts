// SPEC §3 holds on every route, not only on content: a token in the URL or two credentials is a 400,
// a bad token a 401, even where the answer would be the same for everyone.

import { describe, expect, it, vi } from 'vitest';
import { BINDINGS, bearer, gateway } from './support/gateway.ts';

const PUBLIC_DOCS = [
  '/',
  '/license',
  '/license.xml',
  '/robots.txt',
  '/.well-known/tdmrep.json',
  '/rights/offer.jsonld',
  '/rights/tdm-policy.jsonld',
  '/problems/token-expired',
];

describe('credentials are judged on every route', () => {
  it.each(PUBLIC_DOCS)('%s', async (path) => {
    const gw = await gateway();
    const token = await gw.token();
    expect((await gw.request(path)).status).toBe(200);
    expect((await gw.request(path, bearer(token))).status).toBe(200);
    for (const param of ['access_token', 'token', 'jwt']) {
      const res = await gw.request(`${path}?${param}=${token}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      expect(await res.text()).not.toContain(token);
    }
    expect((await gw.request(path, { headers: { Authorization: `Bearer ${token}, Bearer ${token}` } })).status).toBe(400);
    expect((await gw.request(path, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(400);
    expect((await gw.request(path, bearer(`${token.slice(0, -3)}AAA`))).status).toBe(401);
  });

  it('/healthz answers whatever the credentials, for load balancers', async () => {
    const gw = await gateway();
    expect((await gw.request('/healthz?access_token=x', { headers: { Authorization: 'Basic eA==' } })).status).toBe(200);
  });

  it('a remote key set over plain http is refused unless it is on loopback', async () => {
    const gw = await gateway();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await gw.request('/', undefined, { ...BINDINGS, WIREGATE_JWKS_URL: 'http://keys.example/jwks.json' });
    expect(res.status).toBe(500);
    // The operator learns of it on the error log (asserted, not printed), never the client.
    expect(log.mock.calls.map(([line]) => String(line))).toContain('wiregate: invalid settings; check the WIREGATE_* variables');
    log.mockRestore();
    const ok = await gw.request('/', undefined, { ...BINDINGS, WIREGATE_JWKS_URL: 'http://127.0.0.1:9/jwks.json' });
    expect(ok.status).toBe(200);
  });
});
