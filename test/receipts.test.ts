// Issue 11, finding 5: a receipt binds the issuer and the licensee as well as the token id, so two
// licensees' tokens that share a jti carry different receipts and a leaked copy traces to one of them.

import { describe, expect, it } from 'vitest';
import { receiptId } from '../src/access/receipt.ts';
import { bearer, CONTENT_PATHS, gateway, LATE } from './support/gateway.ts';

const RECEIPT = /wg-[0-9a-f]{24}/g;
const SECOND = {
  id: 'second-newsroom',
  name: 'Second Newsroom',
  status: 'active',
  license: 'LIC-2',
  feeds: ['world'],
  validFrom: '2020-01-01T00:00:00Z',
  validUntil: '2099-01-01T00:00:00Z',
};

describe('receipts bind iss, sub and jti', () => {
  it('two licensees whose tokens share a jti get different receipts, in every format', async () => {
    const gw = await gateway({ extraLicensees: [SECOND] });
    const jti = 'shared-jti-0001';
    const first = await gw.token({ sub: 'demo-newsroom', jti });
    const second = await gw.token({ sub: 'second-newsroom', jti });
    for (const path of CONTENT_PATHS) {
      const [a, b] = (await Promise.all([first, second].map(async (t) => (await gw.request(path, bearer(t))).text()))) as [string, string];
      expect(a, path).toContain(LATE);
      expect(b, path).toContain(LATE);
      const ra = new Set(a.match(RECEIPT));
      const rb = new Set(b.match(RECEIPT));
      expect(ra.size, path).toBeGreaterThan(0);
      expect(
        [...ra].some((r) => rb.has(r)),
        path,
      ).toBe(false);
    }
  });

  it('each of iss, sub, jti, slug and version changes the id; no field can run into the next', async () => {
    const base = { iss: 'wiregate-local', sub: 'demo-newsroom', jti: 'j1' };
    const id = (h: typeof base, slug = 's', version = 1) => receiptId('secret', h, slug, version);
    const ids = await Promise.all([
      id(base),
      id({ ...base, iss: 'other-issuer' }),
      id({ ...base, sub: 'second-newsroom' }),
      id({ ...base, jti: 'j2' }),
      id(base, 't'),
      id(base, 's', 2),
      id({ ...base, sub: 'demo-newsroom\nj1', jti: '' }),
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await id(base)).toBe(ids[0]);
  });
});
