// SPEC §7: a licensed fetch never primes anything an anonymous reader then receives.

import { describe, expect, it, vi } from 'vitest';
import { bearer, CONTENT_PATHS, gateway, LATE, REVOKED_JTI } from './support/gateway.ts';
import { FEED_FILES } from '../src/routes/table.ts';

describe('licensed then anonymous', () => {
  it.each(CONTENT_PATHS)('%s: the anonymous reader gets the excerpt after a licensed fetch', async (path) => {
    const gw = await gateway();
    const licensed = await gw.request(path, bearer(await gw.token()));
    expect(licensed.status).toBe(200);
    expect(await licensed.text()).toContain(LATE);
    expect(licensed.headers.get('cache-control')).toBe('private, no-store');
    expect(licensed.headers.get('vary')).toMatch(/\bAuthorization\b/);

    const anonymous = await gw.request(path);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain(LATE);
    expect(anonymous.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(anonymous.headers.get('etag')).not.toBe(licensed.headers.get('etag'));
  });

  it('a licensed ETag does not turn an anonymous request into a 304 of licensed bytes', async () => {
    const gw = await gateway();
    const path = CONTENT_PATHS[0];
    const licensed = await gw.request(path, bearer(await gw.token()));
    const anonymous = await gw.request(path, { headers: { 'If-None-Match': licensed.headers.get('etag')! } });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain(LATE);
  });

  it('a shared cache that honours Cache-Control would not store a licensed response', async () => {
    const gw = await gateway();
    for (const path of CONTENT_PATHS) {
      const cc = (await gw.request(path, bearer(await gw.token()))).headers.get('cache-control') ?? '';
      expect(cc.split(/,\s*/)).toEqual(expect.arrayContaining(['private', 'no-store']));
      expect(cc).not.toMatch(/public|s-maxage|max-age/);
    }
  });
});

describe('licensed feeds assembled from one template per licensee', () => {
  const RECEIPT = /wg-[0-9a-f]{24}/g;

  it.each(FEED_FILES)('%s: two tokens get the same copy but for their own receipts, equal to the story route', async (file) => {
    const gw = await gateway();
    const [a, b] = [await gw.token(), await gw.token()];
    const feedA = await (await gw.request(`/feeds/world/${file}`, bearer(a))).text();
    const feedB = await (await gw.request(`/feeds/world/${file}`, bearer(b))).text();
    const receiptsA = [...new Set(feedA.match(RECEIPT))];
    const receiptsB = [...new Set(feedB.match(RECEIPT))];
    expect(receiptsA).toHaveLength(1);
    expect(receiptsB).toHaveLength(1);
    expect(receiptsA[0]).not.toBe(receiptsB[0]);
    expect(feedA.replaceAll(receiptsA[0]!, 'R')).toBe(feedB.replaceAll(receiptsB[0]!, 'R'));
    expect(feedA).not.toMatch(/wg-@/);
    const story = await (await gw.request(CONTENT_PATHS[2], bearer(a))).text();
    expect(story).toContain(receiptsA[0]);
    // A template-assembled copy has its own validator, stable for the same token.
    const again = await gw.request(`/feeds/world/${file}`, bearer(a));
    const etagB = (await gw.request(`/feeds/world/${file}`, bearer(b))).headers.get('etag');
    expect(again.headers.get('etag')).not.toBe(etagB);
    expect((await gw.request(`/feeds/world/${file}`, { headers: { Authorization: `Bearer ${a}`, 'If-None-Match': again.headers.get('etag')! } })).status).toBe(
      304,
    );
  });
});

describe('the verified-token cache never skips revocation or licensee checks', () => {
  it('a revoked jti and a suspended licensee are refused on every request, not only the first', async () => {
    const gw = await gateway();
    const revoked = await gw.token({ jti: REVOKED_JTI });
    const suspended = await gw.token({ sub: 'suspended-news' });
    for (let i = 0; i < 3; i++) {
      const r = await gw.request(CONTENT_PATHS[0], bearer(revoked));
      expect(r.status).toBe(401);
      expect(((await r.json()) as { code: string }).code).toBe('token_revoked');
      const s = await gw.request(CONTENT_PATHS[3], bearer(suspended));
      expect(s.status).toBe(401);
      expect(await s.text()).not.toContain(LATE);
    }
  });

  it('a token that verified (and was cached) is refused once it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const gw = await gateway();
      const now = Math.floor(Date.now() / 1000);
      const token = await gw.token({ iat: now, exp: now + 10 });
      expect((await gw.request(CONTENT_PATHS[0], bearer(token))).status).toBe(200);
      expect((await gw.request(CONTENT_PATHS[0], bearer(token))).status).toBe(200);
      vi.setSystemTime((now + 10 + 61) * 1000); // past exp and the 60 s tolerance
      const late = await gw.request(CONTENT_PATHS[0], bearer(token));
      expect(late.status).toBe(401);
      expect(((await late.json()) as { code: string }).code).toBe('token_expired');
    } finally {
      vi.useRealTimers();
    }
  });
});
