// Public answers kept per store generation (src/http/kept-answers.ts): the gateway serves a plain
// public GET from what it answered before only while nothing that could change that answer has
// happened. Each test first asks twice (the second answer is the kept one), then changes something
// and asks again, checking content, not only status.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Problem, type ProblemCode } from '../src/problem.ts';
import { keptResponse, lastingRefusal } from '../src/http/kept-answers.ts';
import { settingsFrom } from '../src/settings.ts';
import { sql } from '../src/store/sql.ts';
import { BINDINGS, bearer, FIRST, gateway, LATE, seedCopies, SLUG, storyRecord, type Gateway } from './support/gateway.ts';

const STORY = `/articles/${SLUG}`;
const FEED = '/feeds/world/rss.xml';

afterEach(() => {
  vi.useRealTimers();
});

/** Asks twice; the two answers must be the same bytes (the second one kept), with no late sentence. */
async function kept(gw: Gateway, path: string): Promise<string> {
  const first = await gw.request(path);
  const firstText = await first.text();
  const second = await gw.request(path);
  expect(second.status).toBe(200);
  const text = await second.text();
  expect(text).toBe(firstText);
  expect([...second.headers]).toEqual([...first.headers]);
  expect(text).not.toContain(LATE);
  return text;
}

async function operatorPost(gw: Gateway, path: string, body: unknown, method = 'POST'): Promise<Response> {
  return gw.request(path, {
    method,
    headers: { Authorization: `Bearer ${await gw.operatorToken()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** PUTs a licensee record through the operator API (active, valid 2020–2099 unless `fields` say otherwise); answers the status. */
async function putLicensee(gw: Gateway, id: string, name: string, license: string, fields: Record<string, unknown>): Promise<number> {
  const record = { id, name, status: 'active', license, validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z', ...fields };
  return (await operatorPost(gw, `/admin/licensees/${id}`, record, 'PUT')).status;
}

/**
 * Publishes a story through the API and embargoes it until ten minutes from now; from here on the
 * test's clock is fake (Date only). Answers the release instant (ms).
 */
async function embargoedStory(gw: Gateway, slug: string, headline: string, first: string): Promise<number> {
  const t0 = Date.now();
  vi.useFakeTimers({ toFake: ['Date'], now: t0 });
  const until = new Date(t0 + 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  expect((await operatorPost(gw, '/admin/stories', storyRecord(slug, headline, [first, 'Second.', 'Third.']))).status).toBe(201);
  expect((await operatorPost(gw, `/admin/stories/${slug}/embargo`, { until })).status).toBe(200);
  return Date.parse(until);
}

describe('a kept public answer', () => {
  it('is dropped by a kill: the very next request gets 410, in every format and the feed', async () => {
    const gw = await gateway();
    const paths = [STORY, `${STORY}.json`, `${STORY}.txt`, FEED];
    for (const path of paths) expect(await kept(gw, path)).toContain(FIRST.slice(0, 40));
    expect((await operatorPost(gw, `/admin/stories/${SLUG}/kill`, { reason: 'Forged.' })).status).toBe(200);
    for (const path of paths.slice(0, 3)) {
      const res = await gw.request(path);
      expect(res.status, path).toBe(410);
      expect(await res.text()).not.toContain(FIRST);
    }
    expect(await (await gw.request(FEED)).text()).not.toContain(FIRST);
  });

  it('is dropped by a publish: the feed names the new story at once', async () => {
    const gw = await gateway();
    expect(await kept(gw, FEED)).not.toContain('Fjord ferry resumes');
    const record = storyRecord('fjord-ferry-resumes', 'Fjord ferry resumes', ['The ferry sailed at dawn.', 'Second.', 'Third.']);
    expect((await operatorPost(gw, '/admin/stories', record)).status).toBe(201);
    // Another page first, so the new snapshot is already loaded when the feed is asked for.
    expect((await gw.request(STORY)).status).toBe(200);
    expect(await (await gw.request(FEED)).text()).toContain('Fjord ferry resumes');
  });

  it('never answers a request with credentials: a licensee and a desk session get the full text, a bad token its refusal', async () => {
    const gw = await gateway();
    await kept(gw, STORY);
    const licensed = await gw.request(`${STORY}.txt`, bearer(await gw.token()));
    expect(licensed.status).toBe(200);
    expect(await licensed.text()).toContain(LATE);
    const html = await gw.request(STORY, bearer(await gw.token()));
    expect(html.headers.get('cache-control')).toBe('private, no-store');
    expect(await html.text()).toContain(LATE);
    // A desk session is a credential in a cookie (SPEC §12): the story page in full, not the kept excerpt.
    const signIn = await gw.request('/desk/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://wire.example' },
      body: new URLSearchParams({ token: await gw.token() }).toString(),
    });
    const cookie = /^(__Host-wiregate-session=[A-Za-z0-9_-]+);/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeDefined();
    // Signing in wrote to the store: keep the excerpt again after it, then come with the cookie.
    await kept(gw, STORY);
    const session = await gw.request(STORY, { headers: { Cookie: cookie! } });
    expect(session.status).toBe(200);
    expect(await session.text()).toContain(LATE);
    for (const [auth, status] of [
      ['Bearer not-a-token', 401],
      ['Bearer ', 400],
      ['Basic Zm9vOmJhcg==', 400],
    ] as const) {
      const refused = await gw.request(STORY, { headers: { Authorization: auth } });
      expect(refused.status, auth).toBe(status);
      expect(await refused.text()).not.toContain(FIRST);
    }
  });

  it('never answers a conditional request: If-None-Match and If-Modified-Since get their 304', async () => {
    const gw = await gateway();
    await kept(gw, FEED);
    const first = await gw.request(FEED);
    const etag = first.headers.get('etag')!;
    const modified = first.headers.get('last-modified')!;
    expect((await gw.request(FEED, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await gw.request(FEED, { headers: { 'If-Modified-Since': modified } })).status).toBe(304);
  });

  it('is used for GET of the same URL only: HEAD gets headers alone, another page of the feed its own answer', async () => {
    const gw = await gateway();
    const body = await kept(gw, FEED);
    const get = await gw.request(FEED);
    const head = await gw.request(FEED, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(await head.text()).toBe('');
    // The seed's world feed has one page: page 2 is a 404 of its own, not the kept page 1.
    const page2 = await gw.request(`${FEED}?page=2`);
    expect(page2.status).toBe(404);
    expect(await page2.text()).not.toBe(body);
  });

  it('is not served past an embargo release: the feed lists the released story from that instant', async () => {
    const gw = await gateway();
    const until = await embargoedStory(gw, 'harbour-deal-signed', 'Harbour deal signed', 'Signed at noon.');
    // Before the release the feed says nothing of it, and its max-age is cut short to end at the release.
    expect(await kept(gw, FEED)).not.toContain('Harbour deal signed');
    vi.setSystemTime(until - 30_000);
    const near = await gw.request(FEED);
    expect(await near.text()).not.toContain('Harbour deal signed');
    expect(near.headers.get('cache-control')).toMatch(/max-age=(30|29)\b/);
    vi.setSystemTime(until);
    expect(await (await gw.request(FEED)).text()).toContain('Harbour deal signed');
  });

  it('is not served past the embargo instant of a story killed under embargo: its tombstone appears then', async () => {
    const gw = await gateway();
    const until = await embargoedStory(gw, 'pier-sale-agreed', 'Pier sale agreed', 'Agreed at noon.');
    expect((await operatorPost(gw, '/admin/stories/pier-sale-agreed/kill', { reason: 'Forged.' })).status).toBe(200);
    const atom = '/feeds/world/atom.xml';
    // Until the instant the story does not exist; from it, the feed carries its tombstone.
    expect(await kept(gw, atom)).not.toContain('pier-sale-agreed');
    vi.setSystemTime(until);
    const after = await (await gw.request(atom)).text();
    expect(after).toContain('ref="https://wire.example/articles/pier-sale-agreed"');
    expect(after).not.toContain('Agreed at noon.');
  });

  it('is not served when the clock has been set back before it was made', async () => {
    const gw = await gateway();
    const until = await embargoedStory(gw, 'quay-works-begin', 'Quay works begin', 'Work began at dawn.');
    // Made after the release (the story listed); then the clock goes back before the release.
    vi.setSystemTime(until + 1_000);
    expect(await kept(gw, FEED)).toContain('Quay works begin');
    vi.setSystemTime(until - 60_000);
    expect(await (await gw.request(FEED)).text()).not.toContain('Quay works begin');
  });
});

describe('a kept refusal', () => {
  it('gives the same credential the same refusal until the store changes: a suspended licensee restored gets the story at once', async () => {
    const gw = await gateway();
    const token = await gw.token({ sub: 'suspended-news' });
    for (let i = 0; i < 2; i++) {
      const refused = await gw.request(`${STORY}.txt`, bearer(token));
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { code: string }).code).toBe('licensee_suspended');
    }
    expect(await putLicensee(gw, 'suspended-news', 'Suspended News', 'LIC-S-1', { feeds: ['world'] })).toBe(200);
    // Another page first, so the new snapshot is loaded when the token comes back.
    expect((await gw.request(STORY)).status).toBe(200);
    const licensed = await gw.request(`${STORY}.txt`, bearer(token));
    expect(licensed.status).toBe(200);
    expect(await licensed.text()).toContain(LATE);
  });

  it('keeps each format apart: the HTML refusal page for a browser, problem+json for a client, each asked twice', async () => {
    const gw = await gateway();
    const bad = `${(await gw.token()).slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++) {
      const page = await gw.request(STORY, { headers: { Authorization: `Bearer ${bad}`, Accept: 'text/html' } });
      expect(page.status).toBe(401);
      expect(page.headers.get('content-type')).toContain('text/html');
      const json = await gw.request(STORY, { headers: { Authorization: `Bearer ${bad}` } });
      expect(json.status).toBe(401);
      expect(json.headers.get('content-type')).toBe('application/problem+json');
      expect(((await json.json()) as { code: string }).code).toBe('token_signature_invalid');
      expect(await page.text()).not.toContain(FIRST);
    }
  });

  it('is never kept for a refusal time can end: a token not yet valid is accepted once its time comes', async () => {
    const gw = await gateway();
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const nbf = Math.floor(t0 / 1000) + 600;
    const token = await gw.token({ nbf, iat: nbf, exp: nbf + 3600 });
    for (let i = 0; i < 2; i++) {
      const early = await gw.request(`${STORY}.txt`, bearer(token));
      expect(early.status).toBe(401);
      expect(((await early.json()) as { code: string }).code).toBe('token_not_yet_valid');
    }
    vi.setSystemTime(nbf * 1000 + 1_000);
    const licensed = await gw.request(`${STORY}.txt`, bearer(token));
    expect(licensed.status).toBe(200);
    expect(await licensed.text()).toContain(LATE);
  });
});

describe('one kept refusal for values that are not a token', () => {
  /** Whether the snapshot now in use would answer this GET from a kept answer, without the pipeline. */
  const keptNow = (gw: Gateway, path: string, init: RequestInit) => {
    const state = gw.store.current(Date.now());
    return state !== undefined && keptResponse(new Request(`http://localhost${path}`, init), state, settingsFrom(BINDINGS), Date.now()) instanceof Response;
  };
  /** The status, headers and body of an answer. */
  const whole = async (res: Response) => ({ status: res.status, headers: [...res.headers], body: await res.text() });

  it('answers a flood of made-up values, each one new, from the refusal kept for the first', async () => {
    const gw = await gateway();
    const first = await gw.request(FEED, bearer('garbage-1'));
    expect(first.status).toBe(401);
    expect(((await first.json()) as { code: string }).code).toBe('token_malformed');
    // Under workerd most stores are read afresh on every request: nothing is kept there, and every answer goes the whole way.
    const keeps = gw.store.current(Date.now()) !== undefined;
    expect(keptNow(gw, FEED, bearer('garbage-2'))).toBe(keeps);
    expect(keptNow(gw, FEED, bearer('x'.repeat(5_000)))).toBe(keeps);
    // Not for another scheme (its challenge differs), a value that has a token's shape, or another URL.
    expect(keptNow(gw, FEED, bearer('garbage-3', 'License'))).toBe(false);
    expect(keptNow(gw, FEED, bearer(`${'a'.repeat(12)}.${'b'.repeat(12)}.${'c'.repeat(44)}`))).toBe(false);
    expect(keptNow(gw, '/feeds/world/atom.xml', bearer('garbage-4'))).toBe(false);
    expect(keptNow(gw, FEED, { headers: { Authorization: 'Basic Z2FyYmFnZQ==' } })).toBe(false);
  });

  it('is the very refusal the whole way gives each value: scheme, format, length and form as it would be judged', async () => {
    const values = [
      'Bearer garbage-2',
      'bearer garbage-3',
      'License garbage-4',
      `Bearer ${'x'.repeat(5_000)}`,
      `Bearer ${'a'.repeat(12)}.${'b'.repeat(12)}.${'c'.repeat(44)}`,
      'Bearer one two',
      'Bearer garbage, Bearer more',
      'Basic Z2FyYmFnZQ==',
      'Bearer',
    ];
    const gw = await gateway();
    // One value of each scheme first, then the rest: whatever is answered from the kept ones must match.
    for (const auth of ['Bearer garbage-1', 'License garbage-1']) {
      for (const accept of ['application/json', 'text/html']) {
        expect((await gw.request(FEED, { headers: { Authorization: auth, Accept: accept } })).status).toBe(401);
        expect((await gw.request(STORY, { headers: { Authorization: auth, Accept: accept } })).status).toBe(401);
      }
    }
    for (const auth of values) {
      for (const [path, accept] of [
        [FEED, 'application/json'],
        [STORY, 'text/html'],
        [STORY, 'application/json'],
      ] as const) {
        const init = { headers: { Authorization: auth, Accept: accept } };
        const answered = await whole(await gw.request(path, init));
        const fresh = await whole(await (await gateway()).request(path, init));
        expect(answered, `${auth.slice(0, 40)} ${path} ${accept}`).toEqual(fresh);
        expect(answered.status).toBeGreaterThanOrEqual(400);
        expect(answered.body).not.toContain(LATE);
      }
    }
  });
});

describe('a kept licensed answer', () => {
  const TXT = `${STORY}.txt`;
  const deliveries = async (gw: Gateway, jti: string) =>
    (await gw.store.db.all<{ n: number }>(sql(`SELECT COUNT(*) AS n FROM deliveries WHERE credential = ?`, jti)))[0]!.n;

  /**
   * Whether app.fetch answers this token's next plain GET of `path` from a kept licensed answer: the
   * snapshot it would use (store.current) holds one. Under workerd most tests' stores are read afresh on
   * every request (ttlMs 0): there current() is empty and every request goes the whole way.
   */
  const keptFor = (gw: Gateway, token: string, path = TXT) => {
    const state = gw.store.current(Date.now());
    const kept = state && keptResponse(new Request(`http://localhost${path}`, bearer(token)), state, settingsFrom(BINDINGS), Date.now());
    return kept !== undefined && !(kept instanceof Response);
  };

  /** Asks `times` times with the token: the same licensed bytes each time, and one delivery written per answer. */
  async function licensedTimes(gw: Gateway, token: string, jti: string, times = 3, path = TXT): Promise<string> {
    const before = await deliveries(gw, jti);
    let first: string | undefined;
    for (let i = 0; i < times; i++) {
      const res = await gw.request(path, bearer(token));
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(LATE);
      first ??= text;
      expect(text).toBe(first);
      expect(await deliveries(gw, jti)).toBe(before + i + 1);
    }
    expect(keptFor(gw, token, path)).toBe(gw.store.current(Date.now()) !== undefined);
    return first!;
  }

  /** The refusal's code, and the late sentence nowhere in it. */
  async function refusedWith(gw: Gateway, token: string, path = TXT, bindings = BINDINGS): Promise<string> {
    const res = await gw.request(path, bearer(token), bindings);
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain(LATE);
    return (JSON.parse(text) as { code: string }).code;
  }

  it('is the same licensed copy each time, each one in the ledger; a revocation refuses the very next request', async () => {
    const gw = await gateway();
    const token = await gw.token({ jti: 'kept-licensed-1' });
    await licensedTimes(gw, token, 'kept-licensed-1');
    await licensedTimes(gw, token, 'kept-licensed-1', 2, '/feeds/world/rss.xml');
    expect((await operatorPost(gw, '/admin/revocations', { jti: 'kept-licensed-1' })).status).toBe(201);
    const before = await deliveries(gw, 'kept-licensed-1');
    expect(await refusedWith(gw, token)).toBe('token_revoked');
    expect(await refusedWith(gw, token, '/feeds/world/rss.xml')).toBe('token_revoked');
    expect(await deliveries(gw, 'kept-licensed-1')).toBe(before);
  });

  it('is dropped by a suspension of its licensee and by a kill of its story', async () => {
    const gw = await gateway();
    const token = await gw.token({ jti: 'kept-licensed-2' });
    await licensedTimes(gw, token, 'kept-licensed-2');
    expect(await putLicensee(gw, 'demo-newsroom', 'Demo Newsroom', 'LIC-DEMO-0001', { feeds: ['*'], status: 'suspended' })).toBe(200);
    expect(await refusedWith(gw, token)).toBe('licensee_suspended');

    const other = await gateway();
    const otherToken = await other.token({ jti: 'kept-licensed-3' });
    await licensedTimes(other, otherToken, 'kept-licensed-3');
    expect((await operatorPost(other, `/admin/stories/${SLUG}/kill`, { reason: 'Forged.' })).status).toBe(200);
    const gone = await other.request(TXT, bearer(otherToken));
    expect(gone.status).toBe(410);
    expect(await gone.text()).not.toContain(FIRST);
  });

  it("is not served past its token's exp, nor past its license's validUntil", async () => {
    const gw = await gateway();
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const exp = Math.floor(t0 / 1000) + 120;
    const token = await gw.token({ jti: 'kept-licensed-4', exp });
    await licensedTimes(gw, token, 'kept-licensed-4');
    // Past exp and the 60 s leeway verification allows, well within the 5 minutes a kept answer may last.
    vi.setSystemTime(exp * 1000 + 61_000);
    expect(await refusedWith(gw, token)).toBe('token_expired');

    // A license that ends two minutes from now.
    vi.setSystemTime(t0);
    const validUntil = new Date(t0 + 120_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(await putLicensee(gw, 'ending-news', 'Ending News', 'LIC-E-1', { feeds: ['world'], validUntil })).toBe(201);
    const ending = await gw.token({ sub: 'ending-news', jti: 'kept-licensed-5', exp: Math.floor(t0 / 1000) + 3600 });
    await licensedTimes(gw, ending, 'kept-licensed-5');
    vi.setSystemTime(Date.parse(validUntil) + 1_000);
    expect(await refusedWith(gw, ending)).toBe('license_expired');
  });

  it('is kept for the plain request of one token, and never for a request that could be judged on more', async () => {
    const gw = await gateway();
    const settings = settingsFrom(BINDINGS);
    const token = await gw.token({ jti: 'kept-licensed-10' });
    const morocco = await gw.token({ sub: 'morocco-only', scope: 'feed:*', jti: 'kept-licensed-11' });
    const countryBindings = { ...BINDINGS, WIREGATE_COUNTRY_HEADER: 'CF-IPCountry' };
    expect((await gw.request(TXT, { headers: { Authorization: `Bearer ${morocco}`, 'CF-IPCountry': 'MA' } }, countryBindings)).status).toBe(200);
    await licensedTimes(gw, token, 'kept-licensed-10', 1);
    const state = await gw.store.snapshot(Date.now());
    const ask = (headers: Record<string, string>, path = TXT) => keptResponse(new Request(`http://localhost${path}`, { headers }), state, settings, Date.now());
    const kept = ask({ Authorization: `Bearer ${token}` });
    expect(kept && !(kept instanceof Response) ? kept.delivery.items.map((i) => i.slug) : kept).toEqual([SLUG]);
    expect(ask({ Authorization: `Bearer ${token}`, Cookie: 'a=b' })).toBeUndefined();
    expect(ask({ Authorization: `Bearer ${token}`, Origin: 'https://elsewhere.example' })).toBeUndefined();
    expect(ask({ Authorization: `Bearer ${token}`, 'If-None-Match': '"x"' })).toBeUndefined();
    expect(ask({ Authorization: `Bearer ${token}`, Accept: 'text/plain' })).toBeUndefined();
    expect(ask({ Authorization: `Bearer ${token}` }, `${STORY}.json`)).toBeUndefined();
    expect(ask({ Authorization: `Bearer ${morocco}`, 'CF-IPCountry': 'MA' })).toBeUndefined();
  });

  it('is never used for a licensee limited by territory: each request is judged on its own country', async () => {
    const gw = await gateway();
    const bindings = { ...BINDINGS, WIREGATE_COUNTRY_HEADER: 'CF-IPCountry' };
    const token = await gw.token({ sub: 'morocco-only', scope: 'feed:*', jti: 'kept-licensed-6' });
    for (let i = 0; i < 2; i++) {
      const here = await gw.request(TXT, { headers: { Authorization: `Bearer ${token}`, 'CF-IPCountry': 'MA' } }, bindings);
      expect(here.status).toBe(200);
      expect(await here.text()).toContain(LATE);
    }
    const abroad = await gw.request(TXT, { headers: { Authorization: `Bearer ${token}`, 'CF-IPCountry': 'FR' } }, bindings);
    expect(abroad.status).toBe(403);
    expect(await abroad.text()).not.toContain(LATE);
  });

  it('answers a conditional request with its 304 and no delivery, and a HEAD with headers alone', async () => {
    const gw = await gateway();
    const token = await gw.token({ jti: 'kept-licensed-7' });
    await licensedTimes(gw, token, 'kept-licensed-7', 2);
    const etag = (await gw.request(TXT, bearer(token))).headers.get('etag')!;
    const before = await deliveries(gw, 'kept-licensed-7');
    const again = await gw.request(TXT, { headers: { Authorization: `Bearer ${token}`, 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(await deliveries(gw, 'kept-licensed-7')).toBe(before);
    const head = await gw.request(TXT, { method: 'HEAD', headers: { Authorization: `Bearer ${token}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    // A HEAD carries no text: no delivery (SPEC §13 counts responses that carry licensed text).
    expect(await deliveries(gw, 'kept-licensed-7')).toBe(before);
  });

  it('on a store read within a TTL, as on Workers, each kept answer is in the ledger too', async () => {
    const gw = await gateway({ storeOptions: { ttlMs: 60_000 } });
    const token = await gw.token({ jti: 'kept-licensed-12' });
    await licensedTimes(gw, token, 'kept-licensed-12', 1);
    expect(keptFor(gw, token)).toBe(true);
    await licensedTimes(gw, token, 'kept-licensed-12', 3);
    await licensedTimes(gw, token, 'kept-licensed-12', 2, '/feeds/world/atom.xml');
    expect(keptFor(gw, token, '/feeds/world/atom.xml')).toBe(true);
  });

  it('is not served past an embargo release: from that instant the licensed feed lists the released story', async () => {
    const gw = await gateway();
    const until = await embargoedStory(gw, 'ferry-route-opens', 'Ferry route opens', 'The first ferry sailed at dawn.');
    const token = await gw.token({ jti: 'kept-licensed-13', exp: Math.floor(until / 1000) + 3600 });
    const feed = '/feeds/world/rss.xml';
    // Asked a minute before the release (well within the 5 minutes a kept answer may last).
    vi.setSystemTime(until - 60_000);
    expect(await licensedTimes(gw, token, 'kept-licensed-13', 2, feed)).not.toContain('Ferry route opens');
    vi.setSystemTime(until - 1);
    expect(keptFor(gw, token, feed)).toBe(gw.store.current(Date.now()) !== undefined);
    vi.setSystemTime(until);
    expect(keptFor(gw, token, feed)).toBe(false);
    const released = await gw.request(feed, bearer(token));
    expect(released.status).toBe(200);
    const text = await released.text();
    expect(text).toContain('Ferry route opens');
    expect(text).toContain('The first ferry sailed at dawn.');
  });

  it('lasts at most the 5 minutes a verified token is trusted without verifying it again', async () => {
    const gw = await gateway();
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const token = await gw.token({ jti: 'kept-licensed-14', exp: Math.floor(t0 / 1000) + 3600 });
    await licensedTimes(gw, token, 'kept-licensed-14', 1);
    vi.setSystemTime(t0 + 5 * 60_000 - 1);
    expect(keptFor(gw, token)).toBe(gw.store.current(Date.now()) !== undefined);
    vi.setSystemTime(t0 + 5 * 60_000);
    expect(keptFor(gw, token)).toBe(false);
    // The pipeline answers, and keeps the answer again.
    await licensedTimes(gw, token, 'kept-licensed-14', 2);
  });

  it("keeps the feed copies of many tokens: the template they share counts once, each token's receipts apart", async () => {
    // Twenty-five stories: a copy large enough to be kept in parts (http/receipt-template.ts).
    const { files, slugs } = seedCopies('long', 25);
    const gw = await gateway({
      extraFeeds: files,
      extraLicensees: [
        {
          id: 'long-news',
          name: 'Long News',
          license: 'LIC-LN-1',
          feeds: ['long'],
          status: 'active',
          validFrom: '2020-01-01T00:00:00Z',
          validUntil: '2099-01-01T00:00:00Z',
        },
      ],
    });
    // A quarter of 8 MB for licensed answers: a hundred whole copies of the feed would not fit four times over.
    const bindings = { ...BINDINGS, WIREGATE_RENDER_CACHE_MB: '8' };
    const FEED = '/feeds/long/rss.xml';
    const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => gw.token({ jti: `kept-feed-${i}`, sub: 'long-news', scope: 'feed:long' })));
    // Where one copy is more than an entry may hold (a sixteenth of a 1 MB share), none is kept: a
    // refused copy does not leave its template counted for the tokens after it to hold unpaid.
    const small = { ...BINDINGS, WIREGATE_RENDER_CACHE_MB: '4' };
    for (const token of tokens.slice(0, 3)) {
      expect((await gw.request(FEED, bearer(token), small)).status).toBe(200);
      if (gw.store.current(Date.now()) === undefined) break; // workerd's ttlMs 0: nothing is kept
      expect(
        keptResponse(new Request(`http://localhost${FEED}`, bearer(token)), gw.store.current(Date.now())!, settingsFrom(small), Date.now()),
      ).toBeUndefined();
    }
    const copies = new Set<string>();
    for (const token of tokens) {
      const res = await gw.request(FEED, bearer(token), bindings);
      expect(res.status).toBe(200);
      copies.add(await res.text());
    }
    expect(copies.size).toBe(tokens.length);
    expect([...copies][0]!.length * tokens.length).toBeGreaterThan((2 * (1024 * 1024)) / 4);
    const state = gw.store.current(Date.now());
    if (state === undefined) return; // read afresh on every request (workerd's ttlMs 0): nothing is kept
    for (const [i, token] of tokens.entries()) {
      const kept = keptResponse(new Request(`http://localhost${FEED}`, bearer(token)), state, settingsFrom(bindings), Date.now());
      expect(kept !== undefined && !(kept instanceof Response), `token ${i}`).toBe(true);
      // Served, it is that token's copy, and it counts its deliveries, one a story.
      const before = (await gw.store.db.all<{ n: number }>(sql(`SELECT COUNT(*) AS n FROM deliveries WHERE credential = ?`, `kept-feed-${i}`)))[0]!.n;
      const res = await gw.request(FEED, bearer(token), bindings);
      expect(copies.has(await res.text())).toBe(true);
      expect((await gw.store.db.all<{ n: number }>(sql(`SELECT COUNT(*) AS n FROM deliveries WHERE credential = ?`, `kept-feed-${i}`)))[0]!.n).toBe(
        before + slugs.length,
      );
    }
  });

  it('is not used for another token of the same licensee: each copy carries its own receipt', async () => {
    const gw = await gateway();
    const one = await licensedTimes(gw, await gw.token({ jti: 'kept-licensed-8' }), 'kept-licensed-8', 2);
    const two = await licensedTimes(gw, await gw.token({ jti: 'kept-licensed-9' }), 'kept-licensed-9', 2);
    const receipt = (text: string) => /wg-[0-9a-zA-Z_-]{16,}/.exec(text)?.[0];
    expect(receipt(one)).toBeDefined();
    expect(receipt(two)).toBeDefined();
    expect(receipt(one)).not.toBe(receipt(two));
  });
});

describe('which refusals are kept', () => {
  const own = settingsFrom({ WIREGATE_PUBLIC_URL: 'https://wire.example' });
  const remote = settingsFrom({ WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_JWKS_URL: 'https://keys.example/jwks.json' });
  const cases: [ProblemCode, boolean, boolean][] = [
    // code, kept with the store's own keys, kept under WIREGATE_JWKS_URL
    ['invalid_request', true, true],
    ['unsupported_scheme', true, true],
    ['token_lifetime_exceeded', true, true],
    ['token_revoked', true, true],
    ['licensee_unknown', true, true],
    ['licensee_suspended', true, true],
    ['token_malformed', true, false],
    ['token_header_invalid', true, false],
    ['token_signature_invalid', true, false],
    ['token_key_unknown', false, false],
    ['token_expired', false, false],
    ['token_not_yet_valid', false, false],
    ['token_claims_invalid', false, false],
    ['keys_unavailable', false, false],
    ['store_unavailable', false, false],
    ['feed_not_licensed', false, false],
  ];
  it.each(cases)('%s: own keys %s, remote keys %s', (code, withOwn, withRemote) => {
    expect(lastingRefusal(new Problem(code), own)).toBe(withOwn);
    expect(lastingRefusal(new Problem(code), remote)).toBe(withRemote);
  });
  it('never an error nobody expected, whatever code stands in for it', () => {
    expect(lastingRefusal(new Problem('token_malformed', { unexpected: true }), own)).toBe(false);
  });
});
