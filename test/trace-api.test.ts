// POST /admin/trace (SPEC §14) over the real store, in Node and workerd: the scraped seed is verbatim,
// a licensed copy's receipt resolves to the token that fetched it with the version's recipients,
// the grant is required, bodies over 1 MB are 413, and no input gives a 5xx.

import { beforeAll, describe, expect, it } from 'vitest';
import seedStory from '../feeds/stories/the-israeli-and-moroccan-defense-ministers-meet-in-a-historic-visit.json';
import seedScrape from './fixtures/seed/000_363825acce16b393.txt?raw';
import { bearer, gateway, SLUG, type Gateway } from './support/gateway.ts';

interface Result {
  verdict: string;
  matches: {
    slug: string;
    version: number;
    verdict: string;
    coverage: number;
    alteredPassages: { original: string; found: string }[];
    receipts: { receipt: string; licensee: string; credential: string }[];
    recipients: { licensee: string; deliveries: number }[];
  }[];
}

let gw: Gateway;
let op: string;

function trace(body: string | Uint8Array, type = 'text/plain', token = op): Promise<Response> {
  return gw.request('/admin/trace', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body: body as BodyInit });
}

beforeAll(async () => {
  gw = await gateway();
  op = await gw.operatorToken({ scope: 'trace' });
});

describe('POST /admin/trace', () => {
  it('finds the scraped seed (headline twice, blog chrome) verbatim', async () => {
    const res = await trace(seedScrape);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const result = (await res.json()) as Result;
    expect(result.verdict).toBe('verbatim');
    expect(result.matches[0]).toMatchObject({ slug: SLUG, version: 1, verdict: 'verbatim', coverage: 1 });
  });

  it('finds the last paragraph alone verbatim: part of the story, nothing altered', async () => {
    const result = (await (await trace(seedStory.body.at(-1)!)).json()) as Result;
    expect(result.verdict).toBe('verbatim');
    expect(result.matches[0]).toMatchObject({ slug: SLUG, verdict: 'verbatim', alteredPassages: [] });
    expect(result.matches[0]!.coverage).toBeLessThan(1);
  });

  it("resolves a licensed copy's receipt to the token that fetched it, and lists the recipients", async () => {
    const copy = await (await gw.request(`/articles/${SLUG}.txt`, bearer(await gw.token({ jti: 'trace-api-jti' })))).text();
    const page = `<html><body><script>var x = 1;</script><article>${copy
      .split('\n')
      .map((l) => `<p>${l}</p>`)
      .join('')}</article></body></html>`;
    const result = (await (await trace(page, 'text/html; charset=utf-8')).json()) as Result;
    const match = result.matches.find((m) => m.slug === SLUG)!;
    expect(match.verdict).toBe('verbatim');
    expect(match.receipts).toEqual([expect.objectContaining({ licensee: 'demo-newsroom', credential: 'trace-api-jti' })]);
    expect(match.recipients).toEqual([expect.objectContaining({ licensee: 'demo-newsroom', deliveries: 1 })]);
  });

  it('says none for unrelated text and never answers bad input with a 5xx', async () => {
    const unrelated = 'The city council voted on Tuesday to extend the tram line to the airport, a project expected to take four years.';
    expect(((await (await trace(unrelated)).json()) as Result).verdict).toBe('none');
    for (const body of [new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3]), '', '<<<>>>&&&;', '<html><script>'.repeat(1000)]) {
      const res = await trace(body, typeof body === 'string' && body.startsWith('<') ? 'text/html' : 'text/plain');
      expect(res.status).toBe(200);
    }
  });

  it('needs the trace grant (403), text/plain or text/html (415), at most 1 MB (413)', async () => {
    expect((await trace(seedScrape, 'text/plain', await gw.operatorToken({ scope: 'stories:write' }))).status).toBe(403);
    expect((await trace(seedScrape, 'application/json')).status).toBe(415);
    expect((await trace('a'.repeat(1024 * 1024 + 1))).status).toBe(413);
    expect((await gw.request('/admin/trace', { headers: { Authorization: `Bearer ${op}` } })).status).toBe(405);
  });
});
