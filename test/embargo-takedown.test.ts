// Issue 11, finding 1: a story killed or withheld before its embargo ends does not exist, until then,
// for anyone without embargo access — the same 404 as an unknown slug, no tombstone, no advisory, in
// every format and feed, public and licensed. Licensees with embargo access do get the advisory.

import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, gateway, storyRecord, type Gateway } from './support/gateway.ts';
import { FEED_FILES } from '../src/routes/table.ts';

const FORMATS = ['', '.json', '.txt'];
const FEEDS = FEED_FILES;
const EARLY = {
  id: 'early-desk',
  name: 'Early Desk',
  status: 'active',
  license: 'LIC-E',
  feeds: ['world'],
  embargoAccess: true,
  validFrom: '2020-01-01T00:00:00Z',
  validUntil: '2099-01-01T00:00:00Z',
};

let gw: Gateway;
let op: string;

function record(slug: string, headline: string) {
  const body = [
    'Acme agreed in secret to buy Globex for an undisclosed sum.',
    'The deal is expected to close next year.',
    'Regulators have not yet been told.',
    'Shares of both were halted.',
  ];
  return storyRecord(slug, headline, body, { dateline: 'NEW YORK' });
}

async function admin(path: string, body?: unknown): Promise<Response> {
  return gw.request(path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${op}`, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

beforeAll(async () => {
  gw = await gateway({ extraLicensees: [EARLY] });
  op = await gw.operatorToken();
});

for (const [action, code] of [
  ['kill', 'story_killed'],
  ['withhold', 'story_withheld'],
] as const) {
  describe(`embargoed, then ${action}`, () => {
    const slug = `acme-secretly-agrees-to-buy-globex-${action}`;
    const headline = `Acme secretly agrees to buy Globex (${action})`;

    beforeAll(async () => {
      expect((await admin('/admin/stories', record(slug, headline))).status).toBe(201);
      expect((await admin(`/admin/stories/${slug}/embargo`, { until: '2099-01-01T00:00:00Z' })).status).toBe(200);
      expect((await admin(`/admin/stories/${slug}/${action}`, { reason: 'Legal advice.' })).status).toBe(200);
    });

    it('is a 404 in every story format, public and for a licensee without embargo access', async () => {
      for (const init of [{}, bearer(await gw.token())]) {
        for (const suffix of FORMATS) {
          const res = await gw.request(`/articles/${slug}${suffix}`, init);
          const body = await res.text();
          expect(res.status, `${slug}${suffix}`).toBe(404);
          expect(body).not.toContain('Globex');
          expect(body).not.toContain('Legal advice');
        }
      }
    });

    it('leaves no tombstone, advisory, slug or headline in any feed for them', async () => {
      for (const init of [{}, bearer(await gw.token())]) {
        for (const feed of FEEDS) {
          const body = await (await gw.request(`/feeds/world/${feed}`, init)).text();
          expect(body, feed).not.toContain(slug);
          expect(body, feed).not.toContain('Globex');
        }
      }
    });

    it('gives a licensee with embargo access the 410 and the advisory', async () => {
      const early = bearer(await gw.token({ sub: 'early-desk' }));
      const res = await gw.request(`/articles/${slug}.txt`, early);
      expect(res.status).toBe(410);
      expect(((await res.json()) as { code: string }).code).toBe(code);
      const atom = await (await gw.request('/feeds/world/atom.xml', early)).text();
      expect(atom).toContain(slug);
    });
  });
}
