// The licensee desk (SPEC §12) in Node and workerd over the real store: sign-in with a token in a form,
// the __Host- session cookie and its bounds, the cookie as a credential on HTML pages only, every
// refusal (401 pages, 403 cross-origin, 400 with a second credential), sign-out, and sessions that die
// on the next request after a revocation or suspension.

import { beforeAll, describe, expect, it } from 'vitest';
import { receiptId } from '../src/access/receipt.ts';
import { BINDINGS, bearer, gateway, LATE, LICENSE_LINE, REVOKED_JTI, SLUG, seedStory, type Gateway } from './support/gateway.ts';

const ORIGIN = 'https://wire.example';
const COOKIE = /^__Host-wiregate-session=([A-Za-z0-9_-]{43}); Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=(\d+)$/;
const WIDE = { status: 'active', validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' };
const EXTRA = [{ id: 'desk-news', name: 'Desk News', license: 'LIC-DN-1', feeds: ['world'], ...WIDE }];

let gw: Gateway;
let op: string;

function form(token: string, headers: Record<string, string> = { Origin: ORIGIN }): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ token }).toString() };
}

/** Signs in and answers the cookie pair to send back and the Max-Age it came with. */
async function signIn(token: string): Promise<{ cookie: string; maxAge: number }> {
  const res = await gw.request('/desk/session', form(token));
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/desk');
  const m = COOKIE.exec(res.headers.get('set-cookie') ?? '');
  expect(m, res.headers.get('set-cookie') ?? '(none)').not.toBeNull();
  return { cookie: `__Host-wiregate-session=${m![1]}`, maxAge: Number(m![2]) };
}

function withCookie(cookie: string, extra: Record<string, string> = {}): RequestInit {
  return { headers: { Cookie: `theme=dark; ${cookie}`, ...extra } };
}

async function admin(method: string, path: string, body: unknown): Promise<Response> {
  return gw.request(path, { method, headers: { Authorization: `Bearer ${op}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  gw = await gateway({ extraLicensees: EXTRA });
  op = await gw.operatorToken();
});

describe('signing in', () => {
  it('shows a sign-in form without a session, private and uncached', async () => {
    const res = await gw.request('/desk');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain('<form class="signin" method="post" action="/desk/session">');
    expect(html).toContain('name="token"');
  });

  it('sets a __Host- session cookie bounded by the token exp and by 12 hours', async () => {
    const now = Math.floor(Date.now() / 1000);
    const short = await signIn(await gw.token({ exp: now + 600 }));
    expect(short.maxAge).toBeGreaterThan(0);
    expect(short.maxAge).toBeLessThanOrEqual(600);
    const long = await signIn(await gw.token({ exp: now + 3 * 86_400 }));
    expect(long.maxAge).toBeLessThanOrEqual(12 * 3600);
    expect(long.maxAge).toBeGreaterThan(11 * 3600);
  });

  it('refuses a bad token with a 401 page naming the §4 code, and no cookie', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string][] = [
      ['not a token', 'token_malformed'],
      [await gw.token({ iat: now - 7200, exp: now - 3600 }), 'token_expired'],
      [await gw.token({ jti: REVOKED_JTI }), 'token_revoked'],
      [await gw.token({ sub: 'suspended-news' }), 'licensee_suspended'],
      [await gw.token({ sub: 'lapsed-news' }), 'license_expired'],
      [await gw.token({}, { key: gw.untrusted }), 'token_key_unknown'],
    ];
    for (const [token, code] of cases) {
      const res = await gw.request('/desk/session', form(token));
      expect(res.status, code).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await res.text();
      expect(html).toContain(`<code>${code}</code>`);
      if (token.length > 20) expect(html).not.toContain(token);
    }
  });

  it('accepts a pasted "Bearer <token>" and a request without Origin; refuses another origin with 403', async () => {
    await signIn(`Bearer ${await gw.token()}`);
    const noOrigin = await gw.request('/desk/session', form(await gw.token(), {}));
    expect(noOrigin.status).toBe(303);
    const refused: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { Origin: 'https://wire.example.evil.example' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of refused) {
      const res = await gw.request('/desk/session', form(await gw.token(), headers));
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('origin_refused');
    }
  });

  it('answers HEAD like GET without a body, and other methods with 405', async () => {
    const head = await gw.request('/desk', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await gw.request('/desk/session')).status).toBe(405);
    expect((await gw.request('/desk', { method: 'POST' })).status).toBe(405);
    expect((await gw.request('/desk/sign-out')).status).toBe(405);
  });
});

describe('the session as a credential', () => {
  it('shows the desk: name, license, feeds with newest stories, feed keys by label, usage, sign-out', async () => {
    const issued = await admin('POST', '/admin/licensees/demo-newsroom/feed-keys', { feeds: ['world'], label: 'Night desk reader' });
    const { key } = (await issued.json()) as { key: string };
    const { cookie } = await signIn(await gw.token());
    const res = await gw.request('/desk', withCookie(cookie));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain('Demo Newsroom');
    expect(html).toContain('LIC-DEMO-0001');
    expect(html).toContain(`href="/articles/${SLUG}"`);
    expect(html).toContain('Night desk reader');
    expect(html).toContain('Usage this month');
    expect(html).toContain('action="/desk/sign-out"');
    expect(html).not.toContain(key);
    expect(html).not.toContain(LATE);
  });

  it('gives the story page in full with the license line and a receipt traced to the token jti', async () => {
    const jti = 'desk-session-jti-1';
    const { cookie } = await signIn(await gw.token({ jti }));
    const res = await gw.request(`/articles/${SLUG}`, withCookie(cookie));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain(LATE);
    expect(html).toContain(LICENSE_LINE);
    const receipt = await receiptId(BINDINGS.WIREGATE_RECEIPT_SECRET!, { iss: 'wiregate-local', sub: 'demo-newsroom', jti }, SLUG, seedStory(gw).version);
    expect(html).toContain(receipt);
  });

  it('is ignored by feeds, JSON and text; public HTML varies on Authorization and Cookie', async () => {
    const { cookie } = await signIn(await gw.token());
    for (const path of [`/articles/${SLUG}.json`, `/articles/${SLUG}.txt`, '/feeds/world/rss.xml', '/feeds/world/feed.json']) {
      const res = await gw.request(path, withCookie(cookie));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toMatch(/^public/);
      expect(await res.text(), path).not.toContain(LATE);
    }
    const pub = await gw.request(`/articles/${SLUG}`);
    expect(pub.headers.get('vary')).toBe('Authorization, Cookie');
    for (const path of ['/', '/license', '/problems/token-expired']) {
      expect((await gw.request(path)).headers.get('vary'), path).toMatch(/^Authorization, (Accept, )?Cookie$/);
    }
    expect(await pub.text()).not.toContain(LATE);
    // A feed with a valid token and the cookie: the cookie is no credential there, so one credential.
    const feed = await gw.request('/feeds/world/rss.xml', withCookie(cookie, { Authorization: `Bearer ${await gw.token()}` }));
    expect(feed.status).toBe(200);
  });

  it('refuses the cookie with an Authorization header on an HTML page: 400 invalid_request', async () => {
    const { cookie } = await signIn(await gw.token());
    for (const path of [`/articles/${SLUG}`, '/desk']) {
      const res = await gw.request(path, withCookie(cookie, bearer(await gw.token()).headers as Record<string, string>));
      expect(res.status, path).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      expect(await res.text()).not.toContain(LATE);
    }
  });

  it('treats an unknown or malformed cookie as no session: the excerpt', async () => {
    for (const cookie of ['__Host-wiregate-session=' + 'A'.repeat(43), '__Host-wiregate-session=x', '__Host-wiregate-session=']) {
      const res = await gw.request(`/articles/${SLUG}`, withCookie(cookie));
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain(LATE);
    }
  });
});

describe('ending a session', () => {
  it('signs out: the cookie is cleared and the session deleted on the server', async () => {
    const { cookie } = await signIn(await gw.token());
    const cross = await gw.request('/desk/sign-out', { method: 'POST', headers: { Cookie: cookie, Origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(await (await gw.request(`/articles/${SLUG}`, withCookie(cookie))).text()).toContain(LATE);
    const out = await gw.request('/desk/sign-out', { method: 'POST', headers: { Cookie: cookie, Origin: ORIGIN } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/desk');
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-wiregate-session=; .*Max-Age=0$/);
    // The old cookie, replayed, is worth nothing.
    expect(await (await gw.request(`/articles/${SLUG}`, withCookie(cookie))).text()).not.toContain(LATE);
  });

  it('dies on the next request after its token is revoked', async () => {
    const jti = `desk-revoke-${crypto.randomUUID()}`;
    const { cookie } = await signIn(await gw.token({ jti }));
    expect(await (await gw.request(`/articles/${SLUG}`, withCookie(cookie))).text()).toContain(LATE);
    expect((await admin('POST', '/admin/revocations', { jti })).status).toBe(201);
    const after = await gw.request(`/articles/${SLUG}`, withCookie(cookie));
    expect(after.status).toBe(200);
    expect(await after.text()).not.toContain(LATE);
    const desk = await gw.request('/desk', withCookie(cookie));
    const html = await desk.text();
    expect(html).toContain('session has ended');
    expect(html).not.toContain('Demo Newsroom');
  });

  it('dies on the next request after its licensee is suspended', async () => {
    const { cookie } = await signIn(await gw.token({ sub: 'desk-news' }));
    expect(await (await gw.request(`/articles/${SLUG}`, withCookie(cookie))).text()).toContain(LATE);
    expect((await admin('PUT', '/admin/licensees/desk-news', { ...EXTRA[0], status: 'suspended' })).status).toBe(200);
    expect(await (await gw.request(`/articles/${SLUG}`, withCookie(cookie))).text()).not.toContain(LATE);
    // Lifting the suspension does not bring the session back: the editor signs in again.
    expect((await admin('PUT', '/admin/licensees/desk-news', EXTRA[0])).status).toBe(200);
    expect(await (await gw.request(`/articles/${SLUG}`, withCookie(cookie))).text()).not.toContain(LATE);
  });
});

describe('the public story page', () => {
  it('points partners to the desk and readers to the license terms', async () => {
    const html = await (await gw.request(`/articles/${SLUG}`)).text();
    expect(html).toContain('href="/desk"');
    expect(html).toContain('href="https://wire.example/license"');
  });
});
