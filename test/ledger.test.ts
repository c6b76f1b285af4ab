// The usage ledger and quotas (SPEC §13) in Node and workerd over the real store: exactly one delivery
// per story carried, with the receipts the client saw; none for 304s or the public; quotas exact
// under parallel load, without touching the public tier or another licensee; reports per licensee.

import { beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME } from '#test-store';
import type { Licensee } from '../src/registry/registry.ts';
import { account } from '../src/store/ledger.ts';
import { sql } from '../src/store/sql.ts';
import { bearer, CONTENT_PATHS, gateway, LATE, SLUG, type Gateway } from './support/gateway.ts';

const VALID = { status: 'active', license: 'LIC-Q', feeds: ['world'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' };
const QUOTA_DESK = { id: 'quota-desk', name: 'Quota Desk', ...VALID, quota: { requestsPerMinute: 10 } };
const MONTHLY_DESK = { id: 'monthly-desk', name: 'Monthly Desk', ...VALID, quota: { storiesPerMonth: 2 } };
const OTHER_DESK = { id: 'other-desk', name: 'Other Desk', ...VALID };

let gw: Gateway;

interface Row {
  licensee: string;
  credential_kind: string;
  credential: string;
  slug: string;
  version: number;
  format: string;
  receipt: string;
}

const rows = (licensee: string) =>
  gw.store.db.all<Row>(
    sql(`SELECT licensee, credential_kind, credential, slug, version, format, receipt FROM deliveries WHERE licensee = ? ORDER BY id`, licensee),
  );

beforeAll(async () => {
  gw = await gateway({ extraLicensees: [QUOTA_DESK, MONTHLY_DESK, OTHER_DESK] });
});

describe('the ledger', () => {
  it('records one delivery per story per licensed response, with the receipt the client saw, and none for 304s or the public', async () => {
    const token = await gw.token({ sub: 'other-desk', jti: 'ledger-jti-1' });
    const formats: string[] = [];
    for (const path of CONTENT_PATHS) {
      const res = await gw.request(path, bearer(token));
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body).toContain(LATE);
      const receipt = /wg-[0-9a-zA-Z_-]{16,}/.exec(body)?.[0];
      expect(receipt, path).toBeDefined();
      const ledger = await rows('other-desk');
      expect(ledger.at(-1)).toMatchObject({ credential_kind: 'token', credential: 'ledger-jti-1', slug: SLUG, version: 1, receipt });
      formats.push(ledger.at(-1)!.format);
      // The same again with the validator: a 304 and no new delivery.
      const etag = res.headers.get('etag')!;
      const again = await gw.request(path, { headers: { Authorization: `Bearer ${token}`, 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      expect((await rows('other-desk')).length).toBe(ledger.length);
    }
    expect(formats).toEqual(['html', 'json', 'txt', 'rss', 'atom', 'jsonfeed']);
    const before = (await rows('other-desk')).length;
    for (const path of CONTENT_PATHS) await gw.request(path);
    expect((await rows('other-desk')).length).toBe(before);
    const all = await gw.store.db.all<{ n: number }>(sql(`SELECT COUNT(*) AS n FROM deliveries WHERE licensee NOT IN ('other-desk')`));
    expect(all[0]!.n).toBe(0);
  });
});

describe('quotas', () => {
  it('100 requests in parallel against 10 a minute: exactly 10 deliveries and 90 × 429 with Retry-After', async () => {
    const token = await gw.token({ sub: 'quota-desk' });
    const responses = await Promise.all(Array.from({ length: 100 }, () => gw.request(`/articles/${SLUG}.txt`, bearer(token))));
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(ok.length).toBe(10);
    expect(refused.length).toBe(90);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.headers.get('ratelimit-policy')).toContain('"minute";q=10;w=60');
      expect(r.headers.get('ratelimit')).toMatch(/"minute";r=0;t=\d+/);
      expect(await r.text()).not.toContain(LATE);
    }
    expect(ok[0]!.headers.get('ratelimit')).toMatch(/"minute";r=\d+;t=\d+/);
    expect((await rows('quota-desk')).length).toBe(10);
    // Inside workerd the counting was the Durable Object's, as deployed (the store holds no counter).
    const counters = await gw.store.db.all<{ n: number }>(sql(`SELECT COUNT(*) AS n FROM quota_usage`));
    expect(counters[0]!.n > 0).toBe(RUNTIME === 'node');
    // The public tier and another licensee are untouched.
    expect((await gw.request(`/articles/${SLUG}.txt`)).status).toBe(200);
    expect((await gw.request(`/articles/${SLUG}.txt`, bearer(await gw.token({ sub: 'other-desk' })))).status).toBe(200);
  });

  it('stories per month: a feed page counts its stories; past the limit 429 until the month turns', async () => {
    const token = await gw.token({ sub: 'monthly-desk' });
    expect((await gw.request(`/articles/${SLUG}.txt`, bearer(token))).status).toBe(200);
    expect((await gw.request(`/articles/${SLUG}.json`, bearer(token))).status).toBe(200);
    const third = await gw.request(`/articles/${SLUG}`, bearer(token));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await rows('monthly-desk')).length).toBe(2);
    // One copy so far (a receipt id is per token and version, whatever the format); a refused request
    // with another token, so another receipt id, leaves no receipt behind.
    const receipts = async () => (await gw.store.db.all<{ receipt: string }>(sql(`SELECT receipt FROM receipts WHERE licensee = ?`, 'monthly-desk'))).length;
    expect(await receipts()).toBe(1);
    expect((await gw.request(`/articles/${SLUG}.txt`, bearer(await gw.token({ sub: 'monthly-desk' })))).status).toBe(429);
    expect(await receipts()).toBe(1);
  });
});

describe('receipts', () => {
  // account() skips the receipt insert for copies it has seen committed: only a committed one counts.
  it('a copy refused by the quota leaves no receipt, and gets one when a later request is admitted', async () => {
    const licensee: Licensee = { id: 'receipt-desk', name: 'Receipt Desk', ...VALID, status: 'active', quota: { requestsPerMinute: 1 } };
    const facts = { licensee, credentialKind: 'token', credential: 'receipt-jti', format: 'txt', country: undefined } as const;
    const copy = (slug: string) => ({ slug, version: 1, receipt: `wg-receipt-${slug}` });
    const minute = Date.UTC(2026, 0, 5, 10, 0, 30);
    const firstAt = async (slug: string) =>
      (await gw.store.db.all<{ first_at: string }>(sql(`SELECT first_at FROM receipts WHERE licensee = ? AND slug = ?`, licensee.id, slug)))[0]?.first_at;
    expect((await account(gw.store.db, facts, [copy('a')], minute)).admitted).toBe(true);
    expect((await account(gw.store.db, facts, [copy('b')], minute + 1_000)).admitted).toBe(false);
    expect(await firstAt('b')).toBeUndefined();
    expect((await account(gw.store.db, facts, [copy('b')], minute + 60_000)).admitted).toBe(true);
    expect(await firstAt('b')).toBe('2026-01-05T10:01:30Z');
    // Delivered again: one more delivery, the receipt keeps its first delivery's time.
    expect((await account(gw.store.db, facts, [copy('b')], minute + 120_000)).admitted).toBe(true);
    expect(await firstAt('b')).toBe('2026-01-05T10:01:30Z');
    expect((await rows(licensee.id)).map((r) => r.slug)).toEqual(['a', 'b', 'b']);
  });

  it('a copy seen committed skips only its own row: another credential, kind, licensee, story or version gets one', async () => {
    const licensee: Licensee = { id: 'receipt-desk-2', name: 'Receipt Desk 2', ...VALID, status: 'active' };
    const other: Licensee = { ...licensee, id: 'receipt-desk-3', name: 'Receipt Desk 3' };
    const facts = { licensee, credentialKind: 'token', credential: 'jti-a', format: 'rss', country: undefined } as const;
    const item = { slug: 'known-story', version: 1, receipt: 'wg-known-receipt' };
    const receipts = async () =>
      (
        await gw.store.db.all<{ licensee: string; credential_kind: string; credential: string; slug: string; version: number }>(
          sql(
            `SELECT licensee, credential_kind, credential, slug, version FROM receipts WHERE receipt = ? ORDER BY licensee, credential_kind, credential, slug, version`,
            item.receipt,
          ),
        )
      ).map((r) => `${r.licensee} ${r.credential_kind} ${r.credential} ${r.slug} ${r.version}`);
    const now = Date.UTC(2026, 0, 6, 9, 0, 0);
    await account(gw.store.db, facts, [item], now);
    await account(gw.store.db, facts, [item], now + 1); // seen: no second row (the table would refuse one anyway)
    await account(gw.store.db, { ...facts, credential: 'jti-b' }, [item], now + 2);
    await account(gw.store.db, { ...facts, credentialKind: 'session' }, [item], now + 3);
    await account(gw.store.db, { ...facts, licensee: other }, [item], now + 4);
    await account(gw.store.db, facts, [{ ...item, slug: 'another-story' }], now + 5);
    await account(gw.store.db, facts, [{ ...item, version: 2 }], now + 6);
    expect(await receipts()).toEqual([
      'receipt-desk-2 session jti-a known-story 1',
      'receipt-desk-2 token jti-a another-story 1',
      'receipt-desk-2 token jti-a known-story 1',
      'receipt-desk-2 token jti-a known-story 2',
      'receipt-desk-2 token jti-b known-story 1',
      'receipt-desk-3 token jti-a known-story 1',
    ]);
    expect(await rows(licensee.id)).toHaveLength(6);
  });
});

describe('reports', () => {
  it('/account/usage shows the caller its own deliveries only; /admin/usage needs usage:read; CSV on request', async () => {
    const mine = await gw.request('/account/usage?group=format', bearer(await gw.token({ sub: 'quota-desk' })));
    expect(mine.status).toBe(200);
    const report = (await mine.json()) as { deliveries: number; licensee: string; groups: { key: string; deliveries: number }[] };
    expect(report).toMatchObject({ licensee: 'quota-desk', deliveries: 10, groups: [{ key: 'txt', deliveries: 10 }] });
    expect((await gw.request('/account/usage')).status).toBe(401);

    const noGrant = await gw.request('/admin/usage', bearer(await gw.operatorToken({ scope: 'stories:write' })));
    expect(noGrant.status).toBe(403);
    const op = await gw.operatorToken({ scope: 'usage:read' });
    const all = (await (await gw.request('/admin/usage?group=licensee', bearer(op))).json()) as { groups: { key: string; deliveries: number }[] };
    expect(all.groups).toEqual(
      expect.arrayContaining([
        { key: 'quota-desk', deliveries: 10 },
        { key: 'monthly-desk', deliveries: 2 },
      ]),
    );
    const csv = await gw.request('/admin/usage?group=licensee&licensee=quota-desk', { headers: { Authorization: `Bearer ${op}`, Accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toBe('key,deliveries\r\nquota-desk,10\r\n');
    expect((await gw.request('/admin/usage?group=nope', bearer(op))).status).toBe(422);
  });
});

describe('the ledger names the credential', () => {
  it('a private feed URL records feed-key deliveries under the key id', async () => {
    const op = await gw.operatorToken({ scope: 'licensees:write' });
    const issued = await gw.request('/admin/licensees/other-desk/feed-keys', {
      method: 'POST',
      headers: { Authorization: `Bearer ${op}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ feeds: ['world'], label: 'newsroom reader' }),
    });
    expect(issued.status).toBe(201);
    const { id, urls } = (await issued.json()) as { id: string; urls: { rss: string } };
    const res = await gw.request(urls.rss);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(LATE);
    const last = (await rows('other-desk')).at(-1)!;
    expect(last).toMatchObject({ credential_kind: 'feed-key', credential: id, format: 'rss', slug: SLUG });
    expect(JSON.stringify(last)).not.toContain(new URL(urls.rss).pathname.split('/')[2]!);
  });
});
