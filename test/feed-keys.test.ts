// Feed keys and private feed URLs (SPEC §11) in Node and workerd over the real store: issue, list and
// revoke through the operator API; the licensed feed at /private/{key}/…, receipts traced to the key's
// id, 304s; every refusal (404, 410, 403, 400); sharing detection from the trusted client-address header.

import { beforeAll, describe, expect, it } from 'vitest';
import { receiptId } from '../src/access/receipt.ts';
import type { DataFile } from '../src/catalog/types.ts';
import { sql } from '../src/store/sql.ts';
import { BINDINGS, gateway, LATE, SLUG, seedCopies, seedStory, type Gateway } from './support/gateway.ts';
import { FEED_FILES } from '../src/routes/table.ts';

const B = { ...BINDINGS, WIREGATE_CLIENT_IP_HEADER: 'X-Client-IP' };
const SPORTS: DataFile[] = [
  { path: 'sports.json', text: JSON.stringify({ id: 'sports', title: 'Sports', description: 'Sports news.', language: 'en', stories: [] }) },
];
const WIDE = { status: 'active', validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' };
const EXTRA = [
  { id: 'flag-news', name: 'Flag News', license: 'LIC-FL-1', feeds: ['world'], sharing: { maxNetworksPerDay: 2, action: 'flag' }, ...WIDE },
  { id: 'strict-news', name: 'Strict News', license: 'LIC-ST-1', feeds: ['world'], sharing: { maxNetworksPerDay: 2, action: 'suspend' }, ...WIDE },
  { id: 'soon-suspended', name: 'Soon Suspended', license: 'LIC-SS-1', feeds: ['world', 'sports'], ...WIDE },
  {
    id: 'quota-strict',
    name: 'Quota Strict',
    license: 'LIC-QS-1',
    feeds: ['world', 'sports'],
    sharing: { maxNetworksPerDay: 1, action: 'suspend' },
    quota: { requestsPerMinute: 1 },
    ...WIDE,
  },
  { id: 'report-news', name: 'Report News', license: 'LIC-RN-1', feeds: ['world'], sharing: { maxNetworksPerDay: 2, action: 'flag' }, ...WIDE },
  { id: 'calm-news', name: 'Calm News', license: 'LIC-CN-1', feeds: ['world'], ...WIDE },
];

let gw: Gateway;
let op: string;

type Issued = { id: string; key: string; urls: { rss: string; atom: string; json: string } };

async function admin(method: string, path: string, body?: unknown, token = op): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return gw.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }, B);
}

async function issue(licensee: string, body: Record<string, unknown> = { feeds: ['world'] }): Promise<Issued> {
  const res = await admin('POST', `/admin/licensees/${licensee}/feed-keys`, body);
  expect(res.status).toBe(201);
  return (await res.json()) as Issued;
}

/** A private feed request, from `ip` (the trusted header) with an optional User-Agent. */
function poll(
  key: string,
  file = 'rss.xml',
  init: { ip?: string | undefined; ua?: string | undefined; headers?: Record<string, string>; feed?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'X-Client-IP': init.ip ?? '192.0.2.10', 'User-Agent': init.ua ?? 'newsboat/2.21', ...init.headers };
  return gw.request(`/private/${key}/feeds/${init.feed ?? 'world'}/${file}`, { headers }, B);
}

async function code(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code;
}

/** Nothing of the key anywhere but the body: status line, headers, or an error body. */
function keyOnlyInBody(res: Response, key: string): void {
  for (const [name, value] of res.headers) expect(`${name}: ${value}`).not.toContain(key);
}

beforeAll(async () => {
  gw = await gateway({ extraFeeds: SPORTS, extraLicensees: EXTRA });
  op = await gw.operatorToken();
});

describe('issuing, listing and revoking feed keys', () => {
  it('issues a key of 256 random bits, shown once, with its private URLs', async () => {
    const k = await issue('demo-newsroom', { feeds: ['world'], label: 'newsboat on the night desk' });
    expect(k.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(k.id).toMatch(/^fk_/);
    expect(k.urls).toEqual({
      rss: `https://wire.example/private/${k.key}/feeds/world/rss.xml`,
      atom: `https://wire.example/private/${k.key}/feeds/world/atom.xml`,
      json: `https://wire.example/private/${k.key}/feeds/world/feed.json`,
    });
    const other = await issue('demo-newsroom');
    expect(other.key).not.toBe(k.key);
    const list = await admin('GET', '/admin/licensees/demo-newsroom/feed-keys');
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(k.key);
    const keys = (
      JSON.parse(text) as {
        keys: { id: string; label: string; feeds: string[]; created: string; lastUsed: string | null; status: string; sharing: { flagged: boolean } }[];
      }
    ).keys;
    const mine = keys.find((x) => x.id === k.id)!;
    expect(mine).toMatchObject({ label: 'newsboat on the night desk', feeds: ['world'], lastUsed: null, status: 'active', sharing: { flagged: false } });
    // The store holds a hash, not the key.
    const rows = await gw.store.db.all<Record<string, unknown>>(sql(`SELECT * FROM feed_keys`));
    expect(JSON.stringify(rows)).not.toContain(k.key);
    const audit = await (await admin('GET', '/admin/audit?limit=1000')).text();
    expect(audit).toContain(`demo-newsroom/${k.id}`);
    expect(audit).not.toContain(k.key);
  });

  it('refuses without a token (401), without the grant (403), for an unknown licensee (404) and a bad body (422)', async () => {
    expect((await gw.request('/admin/licensees/demo-newsroom/feed-keys', { method: 'POST' }, B)).status).toBe(401);
    const storiesOnly = await gw.operatorToken({ scope: 'stories:write' });
    expect((await admin('POST', '/admin/licensees/demo-newsroom/feed-keys', { feeds: ['world'] }, storiesOnly)).status).toBe(403);
    expect((await admin('GET', '/admin/licensees/demo-newsroom/feed-keys', undefined, storiesOnly)).status).toBe(403);
    expect((await admin('POST', '/admin/licensees/nobody/feed-keys', { feeds: ['world'] })).status).toBe(404);
    for (const body of [
      {},
      { feeds: [] },
      { feeds: ['World!'] },
      { feeds: ['sports'] },
      { feeds: ['world'], expires: '2001-01-01T00:00:00Z' },
      { feeds: ['world'], label: 7 },
      { feeds: ['world'], key: 'mine' },
    ]) {
      const res = await admin('POST', '/admin/licensees/demo-newsroom/feed-keys', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect((await admin('PUT', '/admin/licensees/demo-newsroom/feed-keys')).status).toBe(405);
  });

  it('revokes: 200, again 200, an unknown id 404; the URL answers 410 from then on', async () => {
    const k = await issue('demo-newsroom');
    expect((await poll(k.key)).status).toBe(200);
    expect((await admin('DELETE', `/admin/licensees/demo-newsroom/feed-keys/${k.id}`)).status).toBe(200);
    expect((await admin('DELETE', `/admin/licensees/demo-newsroom/feed-keys/${k.id}`)).status).toBe(200);
    expect((await admin('DELETE', '/admin/licensees/demo-newsroom/feed-keys/fk_nope')).status).toBe(404);
    expect((await admin('DELETE', `/admin/licensees/flag-news/feed-keys/${k.id}`)).status).toBe(404);
    const gone = await poll(k.key);
    expect(gone.status).toBe(410);
    keyOnlyInBody(gone, k.key);
    const body = await gone.text();
    expect(body).not.toContain(k.key);
    expect(body).not.toContain(LATE);
    expect(JSON.parse(body).code).toBe('feed_key_revoked');
  });
});

describe('private feeds', () => {
  let k: Issued;
  beforeAll(async () => {
    k = await issue('demo-newsroom', { feeds: ['world'], label: 'reader' });
  });

  it('serve the licensed feed in three formats, private, no-store, no-referrer, the key only in self and paging links', async () => {
    for (const file of FEED_FILES) {
      const res = await poll(k.key, file);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      keyOnlyInBody(res, k.key);
      const body = await res.text();
      expect(body).toContain(LATE);
      expect(body).toContain(`https://wire.example/articles/${SLUG}`);
      const withKey = body.split(k.key).length - 1;
      // RSS and Atom: self and first; JSON Feed: feed_url.
      expect(withKey, file).toBe(file === 'feed.json' ? 1 : 2);
      expect(body).toContain(`https://wire.example/private/${k.key}/feeds/world/${file}`);
    }
  });

  it('carry receipts that trace to the key id under the issuer "feed-key"', async () => {
    const body = (await (await poll(k.key, 'feed.json')).json()) as { items: { _rights: { receipt?: string } }[] };
    const expected = await receiptId(BINDINGS.WIREGATE_RECEIPT_SECRET!, { iss: 'feed-key', sub: 'demo-newsroom', jti: k.id }, SLUG, seedStory(gw).version);
    expect(body.items[0]?._rights.receipt).toBe(expected);
    const other = await issue('demo-newsroom');
    const theirs = (await (await poll(other.key, 'feed.json')).json()) as typeof body;
    expect(theirs.items[0]?._rights.receipt).not.toBe(expected);
  });

  it('answer HEAD without a body', async () => {
    const head = await gw.request(`/private/${k.key}/feeds/world/rss.xml`, { method: 'HEAD', headers: { 'X-Client-IP': '192.0.2.10' } }, B);
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('private, no-store');
    expect(await head.text()).toBe('');
  });

  it('answer If-None-Match with 304, still private', async () => {
    const first = await poll(k.key, 'atom.xml');
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await poll(k.key, 'atom.xml', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('private, no-store');
    expect(await again.text()).toBe('');
  });

  it('refuse an unknown key 404, a feed the key does not cover 403, an unknown feed 404, other methods 405', async () => {
    for (const key of ['A'.repeat(43), 'short', k.key.slice(0, 42) + (k.key.endsWith('A') ? 'B' : 'A')]) {
      const res = await poll(key);
      expect(res.status).toBe(404);
      expect(await code(res)).toBe('feed_key_unknown');
    }
    const sports = await poll(k.key, 'rss.xml', { feed: 'sports' });
    expect(sports.status).toBe(403);
    expect(await code(sports)).toBe('feed_not_licensed');
    expect((await poll(k.key, 'rss.xml', { feed: 'nope' })).status).toBe(404);
    expect((await poll(k.key, 'index.html')).status).toBe(404);
    const post = await gw.request(`/private/${k.key}/feeds/world/rss.xml`, { method: 'POST' }, B);
    expect(post.status).toBe(405);
    keyOnlyInBody(post, k.key);
  });

  it('refuse the key with an Authorization header too: 400 invalid_request, whatever the header holds', async () => {
    for (const auth of [`Bearer ${await gw.token()}`, 'Bearer garbage', 'Basic dXNlcjpwYXNz']) {
      const res = await poll(k.key, 'rss.xml', { headers: { Authorization: auth } });
      expect(res.status, auth).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      const body = await res.text();
      expect(body).not.toContain(LATE);
      expect(body).not.toContain(k.key);
    }
  });

  it('refuse an expired key 410, a suspended licensee 403, a license outside its validity 403', async () => {
    const doomed = await issue('demo-newsroom');
    await gw.store.db.batch([sql(`UPDATE feed_keys SET expires = '2020-01-01T00:00:00Z' WHERE id = ?`, doomed.id)]);
    const expired = await poll(doomed.key);
    expect(expired.status).toBe(410);
    expect(await code(expired)).toBe('feed_key_expired');

    const soon = await issue('soon-suspended');
    expect((await poll(soon.key)).status).toBe(200);
    const record = { ...EXTRA[2], status: 'suspended' };
    expect((await admin('PUT', '/admin/licensees/soon-suspended', record)).status).toBe(200);
    const suspended = await poll(soon.key);
    expect(suspended.status).toBe(403);
    expect(await code(suspended)).toBe('feed_key_licensee_suspended');
    expect(await (await poll(soon.key, 'feed.json')).text()).not.toContain(LATE);

    const lapsed = await issue('lapsed-news');
    const outside = await poll(lapsed.key);
    expect(outside.status).toBe(403);
    expect(await code(outside)).toBe('license_expired');
  });
});

describe('sharing detection', () => {
  it('counts networks (IPv4 /24, IPv6 /48) and User-Agents per day, and flags past the threshold', async () => {
    const k = await issue('flag-news');
    for (const [ip, ua] of [
      ['198.51.100.7', 'newsboat/2.21'],
      ['198.51.100.200', 'NetNewsWire'],
      ['2001:db8:aa:1::5', 'newsboat/2.21'],
      ['2001:db8:aa:ffff::9', 'newsboat/2.21'],
    ]) {
      expect((await poll(k.key, 'rss.xml', { ip, ua })).status).toBe(200);
    }
    const before = (await (await admin('GET', '/admin/licensees/flag-news/feed-keys')).json()) as {
      keys: { id: string; sharing: { flagged: boolean; today: { networks: number; userAgents: number } } }[];
    };
    expect(before.keys[0]!.sharing).toMatchObject({ flagged: false, today: { networks: 2, userAgents: 2 } });
    // A third network: flagged, still served (the licensee's action is "flag").
    expect((await poll(k.key, 'rss.xml', { ip: '203.0.113.9' })).status).toBe(200);
    const after = (await (await admin('GET', '/admin/licensees/flag-news/feed-keys')).json()) as typeof before & {
      keys: { sharing: { flaggedNetworks: number } }[];
    };
    expect(after.keys[0]!.sharing).toMatchObject({ flagged: true, flaggedNetworks: 3, today: { networks: 3 } });
    expect((await poll(k.key, 'rss.xml', { ip: '192.0.2.99' })).status).toBe(200);
    // Only prefixes are stored, never an address.
    const stored = JSON.stringify(await gw.store.db.all(sql(`SELECT * FROM feed_key_clients`)));
    expect(stored).toContain('198.51.100.0/24');
    expect(stored).toContain('2001:db8:aa::/48');
    expect(stored).not.toMatch(/198\.51\.100\.(7|200)\b|203\.0\.113\.9\b/);
  });

  it('counts a cloud reader as one network with its subscribers, and suspends past the threshold (410 from then on)', async () => {
    const k = await issue('strict-news');
    const feedly = 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; like FeedFetcher-Google)';
    for (const ip of ['64.6.1.1', '64.6.2.1', '64.6.3.1', '2600:1f18::1']) {
      expect((await poll(k.key, 'rss.xml', { ip, ua: feedly })).status).toBe(200);
    }
    expect((await poll(k.key, 'rss.xml', { ip: '198.51.100.1' })).status).toBe(200);
    const list = (await (await admin('GET', '/admin/licensees/strict-news/feed-keys')).json()) as {
      keys: { status: string; sharing: { today: { networks: number; subscribers: number } } }[];
    };
    expect(list.keys[0]!.sharing.today).toMatchObject({ networks: 2, subscribers: 12 });
    const tripped = await poll(k.key, 'rss.xml', { ip: '203.0.113.50' });
    expect(tripped.status).toBe(410);
    expect(await code(tripped)).toBe('feed_key_shared');
    // From then on, from anywhere, even the first network.
    const later = await poll(k.key, 'rss.xml', { ip: '198.51.100.1' });
    expect(later.status).toBe(410);
    expect(await later.text()).not.toContain(LATE);
    const after = (await (await admin('GET', '/admin/licensees/strict-news/feed-keys')).json()) as typeof list;
    expect(after.keys[0]!.status).toBe('suspended');
  });
});

describe('the usage report carries the sharing flag', () => {
  type Report = { deliveries: number; groups: { key: string; deliveries: number; flagged?: boolean }[]; flaggedKeys: string[] };
  const SPAN = 'from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';
  const report = async (query: string, init: RequestInit = {}) => {
    const res = await gw.request(
      `/admin/usage?${query}`,
      { ...init, headers: { Authorization: `Bearer ${op}`, ...(init.headers as Record<string, string>) } },
      B,
    );
    expect(res.status).toBe(200);
    return res;
  };
  const delivered = async (keyId: string) =>
    (await gw.store.db.first<{ n: number }>(sql(`SELECT COUNT(*) AS n FROM deliveries WHERE credential_kind = 'feed-key' AND credential = ?`, keyId)))!.n;

  it('marks a flagged key by credential (JSON, the licensee’s own view, the desk) and names it whatever the grouping', async () => {
    const shared = await issue('report-news', { feeds: ['world'], label: 'shared around' });
    const kept = await issue('report-news', { feeds: ['world'], label: 'one reader' });
    for (const ip of ['198.51.100.7', '203.0.113.9', '192.0.2.99']) expect((await poll(shared.key, 'rss.xml', { ip })).status).toBe(200);
    expect((await poll(kept.key, 'rss.xml', { ip: '198.51.100.7' })).status).toBe(200);
    const listed = (await (await admin('GET', '/admin/licensees/report-news/feed-keys')).json()) as { keys: { id: string; sharing: { flagged: boolean } }[] };
    expect(Object.fromEntries(listed.keys.map((k) => [k.id, k.sharing.flagged]))).toEqual({ [shared.id]: true, [kept.id]: false });
    const [sharedN, keptN] = [await delivered(shared.id), await delivered(kept.id)];
    expect(sharedN).toBeGreaterThan(0);
    expect(keptN).toBeGreaterThan(0);

    const byCredential = (await (await report(`${SPAN}&group=credential&licensee=report-news`)).json()) as Report;
    expect(byCredential.flaggedKeys).toEqual([shared.id]);
    expect(byCredential.groups).toContainEqual({ key: `feed-key:${shared.id}`, deliveries: sharedN, flagged: true });
    // An unflagged key's group keeps the plain shape: no `flagged` member at all.
    expect(byCredential.groups).toContainEqual({ key: `feed-key:${kept.id}`, deliveries: keptN });

    // CSV keeps SPEC §13's two columns for every grouping: the flag is the JSON's (and the CLI's).
    const csv = await (await report(`${SPAN}&group=credential&licensee=report-news`, { headers: { Accept: 'text/csv' } })).text();
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('key,deliveries');
    expect(lines).toContain(`feed-key:${shared.id},${sharedN}`);
    expect(lines).toContain(`feed-key:${kept.id},${keptN}`);

    // By day: the groups as before, the header unchanged, and the flagged key named beside them.
    const byDay = (await (await report(`${SPAN}&group=day&licensee=report-news`)).json()) as Report;
    expect(byDay.flaggedKeys).toEqual([shared.id]);
    expect(byDay.groups.every((g) => !('flagged' in g))).toBe(true);
    expect((await (await report(`${SPAN}&group=day&licensee=report-news`, { headers: { Accept: 'text/csv' } })).text()).split('\r\n')[0]).toBe(
      'key,deliveries',
    );
    // Over every licensee, and for a span in which the key delivered nothing.
    const everyone = (await (await report(`${SPAN}&group=licensee`)).json()) as Report;
    expect(everyone.flaggedKeys).toContain(shared.id);
    expect(everyone.flaggedKeys).not.toContain(kept.id);
    expect(((await (await report('from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z&group=credential')).json()) as Report).flaggedKeys).toBeUndefined();

    // The licensee's own view says the same, and so does its desk.
    const token = await gw.token({ sub: 'report-news' });
    const own = (await (await gw.request(`/account/usage?${SPAN}&group=credential`, { headers: { Authorization: `Bearer ${token}` } }, B)).json()) as Report;
    expect(own.flaggedKeys).toEqual([shared.id]);
    expect(own.groups).toContainEqual({ key: `feed-key:${shared.id}`, deliveries: sharedN, flagged: true });
    const desk = await (await gw.request('/desk', { headers: { Authorization: `Bearer ${token}` } }, B)).text();
    expect(desk).toContain('Some of these stories went to a private feed URL used from many networks');
  });

  it('marks nothing while no key is flagged', async () => {
    const calm = await issue('calm-news', { feeds: ['world'], label: 'calm' });
    expect((await poll(calm.key, 'rss.xml', { ip: '198.51.100.7' })).status).toBe(200);
    const byCredential = (await (await report(`${SPAN}&group=credential&licensee=calm-news`)).json()) as Report;
    // Nothing flagged: exactly SPEC §13's shape.
    expect(Object.keys(byCredential).sort()).toEqual(['deliveries', 'from', 'groups', 'licensee', 'to']);
    expect(byCredential.groups).toContainEqual({ key: `feed-key:${calm.id}`, deliveries: await delivered(calm.id) });
  });
});

describe('a refused poll records nothing', () => {
  type Listed = { keys: { lastUsed: string | null; status: string; sharing: { flagged: boolean; today: { networks: number; userAgents: number } } }[] };
  const listed = async () => (await (await admin('GET', '/admin/licensees/quota-strict/feed-keys')).json()) as Listed;

  it('neither a refusal of the route (404, 403) nor of the quota (429) counts a network, a User-Agent or a use', async () => {
    const k = await issue('quota-strict');
    const refused: [string, Parameters<typeof poll>[2], number][] = [
      ['rss.xml', { ip: '198.51.100.1', feed: 'sports' }, 403], // a feed the key does not cover
      ['rss.xml', { ip: '198.51.100.2', feed: 'no-such-feed' }, 404],
      ['feed.rss', { ip: '198.51.100.3' }, 404],
      ['rss.xml?page=99', { ip: '198.51.100.4' }, 404],
    ];
    for (const [file, init, status] of refused) expect((await poll(k.key, file, { ...init, ua: `refused/${status}` })).status).toBe(status);
    expect((await listed()).keys[0]).toMatchObject({ lastUsed: null, status: 'active', sharing: { flagged: false, today: { networks: 0, userAgents: 0 } } });
    // The quota's one request a minute, then a refusal by the quota from the same /24 with another
    // User-Agent: counted, it would be the day's second User-Agent.
    expect((await poll(k.key, 'rss.xml', { ip: '203.0.113.1', ua: 'admitted' })).status).toBe(200);
    const over = await poll(k.key, 'rss.xml', { ip: '203.0.113.200', ua: 'over-quota' });
    expect(over.status).toBe(429);
    expect(await over.text()).not.toContain(LATE);
    const after = (await listed()).keys[0]!;
    expect(after).toMatchObject({ status: 'active', sharing: { flagged: false, today: { networks: 1, userAgents: 1 } } });
    expect(after.lastUsed).not.toBeNull();
  });
});

describe('paging on a private feed', () => {
  it('carries the private URL in self, first, next and previous, and public URLs for items', async () => {
    const { files } = seedCopies('paged', 3, (i) => ({
      headline: `Paged ${i}`,
      published: `2027-01-0${3 - i}T08:00:00Z`,
      updated: `2027-01-0${3 - i}T08:00:00Z`,
    }));
    const paged = await gateway({ extraFeeds: files, extraLicensees: [{ id: 'pager', name: 'Pager', license: 'LIC-P-1', feeds: ['paged'], ...WIDE }] });
    const op2 = await paged.operatorToken();
    const made = await paged.request(
      '/admin/licensees/pager/feed-keys',
      { method: 'POST', headers: { Authorization: `Bearer ${op2}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ feeds: ['paged'] }) },
      B,
    );
    const { key } = (await made.json()) as Issued;
    const at = (page: number) => `https://wire.example/private/${key}/feeds/paged/atom.xml${page > 1 ? `?page=${page}` : ''}`;
    const bindings = { ...B, WIREGATE_FEED_ITEMS: '2' };
    const page2 = await paged.request(`/private/${key}/feeds/paged/atom.xml?page=2`, { headers: { 'X-Client-IP': '192.0.2.1' } }, bindings);
    expect(page2.status).toBe(200);
    const xml = await page2.text();
    for (const [rel, page] of [
      ['self', 2],
      ['first', 1],
      ['previous', 1],
    ] as const)
      expect(xml).toContain(`<link rel="${rel}" type="application/atom+xml" href="${at(page).replaceAll('&', '&amp;')}"/>`);
    const page1 = await (await paged.request(`/private/${key}/feeds/paged/atom.xml`, { headers: { 'X-Client-IP': '192.0.2.1' } }, bindings)).text();
    expect(page1).toContain(`<link rel="next" type="application/atom+xml" href="${at(2)}"/>`);
    expect(page1).toContain('<link rel="alternate" type="text/html" href="https://wire.example/articles/paged-1"/>');
    // The public feed's own links never name the key.
    expect(await (await paged.request('/feeds/paged/atom.xml', {}, bindings)).text()).not.toContain(key);
  });
});
