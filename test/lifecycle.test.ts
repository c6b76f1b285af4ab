// The wire lifecycle (issue 5) at the edge, in Node and workerd alike: embargoes decided at request time
// (the clock moves across the release instant, the gateway stays the same), kills and withholds (410,
// RFC 6721 tombstones, licensee advisories), corrections (new version, new validators, new receipt),
// and feed-reader HTTP (304s, RFC 5005 paging, WebSub links).

import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newApp } from '../src/app.ts';
import { testStore } from '#test-store';
import type { DataFile } from '../src/catalog/types.ts';
import type { Bindings } from '../src/settings.ts';
import { FEED_FILES, STORY_SUFFIXES } from '../src/routes/table.ts';
import { BINDINGS, bearer, gateway, packedFiles, type Gateway } from './support/gateway.ts';
import { readings, unescapeMarkup, type ReadingOptions } from './support/text.ts';
import { descendants, kid, kids, parseXml, textOf, type XNode } from './support/xml.ts';

const BASE = 'https://wire.example';
const ATOM = 'http://www.w3.org/2005/Atom';
const TOMBSTONES = 'http://purl.org/atompub/tombstones/1.0';
const articleUrl = (slug: string) => `${BASE}/articles/${slug}`;

// ---------------------------------------------------------------------------------------------
// fixtures

const COPYRIGHT = 'Copyright 2027 Test Wire. All rights reserved.';
const USAGE = 'This material may not be published, broadcast, rewritten, or redistributed without permission.';

/** Eight paragraphs of 20 words; the excerpt (a quarter of 160 words) is the first two. */
function paragraphs(marker: string): string[] {
  return Array.from(
    { length: 8 },
    (_, i) =>
      `${marker} paragraph ${i} ${i >= 2 ? `${marker}LATE` : `${marker}LEDE`} carries ordinary wire words so the excerpt budget has something to measure.`,
  );
}

function storyFile(fields: { slug: string; headline: string; feeds: string[] } & Record<string, unknown>): DataFile {
  const story = {
    dateline: 'Valletta',
    published: '2027-02-01T09:00:00Z',
    updated: '2027-02-01T09:00:00Z',
    version: 1,
    status: 'usable',
    source: 'Test Wire',
    rightsHolder: 'Test Wire Ltd',
    copyrightNotice: COPYRIGHT,
    usageTerms: USAGE,
    body: paragraphs(fields.slug.toUpperCase()),
    ...fields,
  };
  return { path: `stories/${fields.slug}.json`, text: JSON.stringify(story, null, 2) };
}

function feedFile(id: string, stories: string[]): DataFile {
  return { path: `${id}.json`, text: JSON.stringify({ id, title: `Feed ${id}`, description: `The ${id} feed.`, language: 'en', stories }) };
}

const VALID = { status: 'active', validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' };
/** A licensee of the test feeds without embargo access, and one with it. */
const LICENSEES: Record<string, unknown>[] = [
  { id: 'wire-desk', name: 'Wire Desk', license: 'LIC-WIRE-1', feeds: ['wire', 'recall', 'paged'], ...VALID },
  { id: 'embargo-desk', name: 'Embargo Desk', license: 'LIC-EMB-1', feeds: ['*'], embargoAccess: true, ...VALID },
];
const WIRE_SCOPE = 'feed:wire feed:recall feed:paged';

// ---------------------------------------------------------------------------------------------
// helpers

async function textOfResponse(res: Response): Promise<string> {
  return new TextDecoder('utf-8', { fatal: true }).decode(await res.arrayBuffer());
}

function headerText(res: Response): string {
  const lines: string[] = [];
  res.headers.forEach((value, name) => lines.push(`${name}: ${value}`));
  return lines.join('\n');
}

/** Raw, entity-decoded (twice, for HTML inside XML) and, for JSON, re-serialised and every string value. */
const READINGS: ReadingOptions = { reserialized: true };

function expectAbsent(body: string, headers: string, forbidden: readonly string[], label: string): void {
  for (const reading of [...readings(body, READINGS), headers]) {
    for (const text of forbidden) expect(reading.includes(text), `${label}: contains "${text.slice(0, 60)}"`).toBe(false);
  }
}

interface FeedItems {
  /** Item ids (Atom entry id, RSS guid, JSON Feed id), in document order, without advisories. */
  readonly ids: string[];
  /** Advisory titles (licensed RSS and JSON Feed). */
  readonly advisories: { id: string; title: string; text: string }[];
  readonly links: Record<string, string[]>;
  readonly doc: XNode | Record<string, unknown>;
}

/** The items and the feed-level links of one feed document, whatever its format. */
function feedItems(file: (typeof FEED_FILES)[number], text: string, label: string): FeedItems {
  const links: Record<string, string[]> = {};
  const addLink = (rel: string | undefined, href: string | undefined) => {
    if (rel && href) (links[rel] ??= []).push(href);
  };
  if (file === 'feed.json') {
    const doc = JSON.parse(text) as Record<string, unknown> & { items: Record<string, unknown>[] };
    const regular = doc.items.filter((i) => !('_wiregate_advisory' in i));
    const advisories = doc.items
      .filter((i) => '_wiregate_advisory' in i)
      .map((i) => ({ id: String(i['id']), title: String(i['title']), text: JSON.stringify(i) }));
    addLink('self', doc['feed_url'] as string | undefined);
    addLink('next', doc['next_url'] as string | undefined);
    for (const hub of (doc['hubs'] as { type: string; url: string }[] | undefined) ?? []) addLink('hub', hub.url);
    return { ids: regular.map((i) => String(i['id'])), advisories, links, doc };
  }
  const root = parseXml(text, label);
  if (file === 'atom.xml') {
    expect(root.uri).toBe(ATOM);
    for (const l of kids(root, ATOM, 'link')) addLink(l.attrs['rel'], l.attrs['href']);
    return { ids: kids(root, ATOM, 'entry').map((e) => textOf(kid(e, ATOM, 'id'))), advisories: [], links, doc: root };
  }
  const channel = kid(root, '', 'channel');
  for (const l of kids(channel, ATOM, 'link')) addLink(l.attrs['rel'], l.attrs['href']);
  const items = kids(channel, '', 'item');
  const isAdvisory = (i: XNode) => /^(KILL|WITHHOLD): /.test(textOf(kid(i, '', 'title')));
  return {
    ids: items.filter((i) => !isAdvisory(i)).map((i) => textOf(kid(i, '', 'guid'))),
    advisories: items.filter(isAdvisory).map((i) => ({ id: textOf(kid(i, '', 'guid')), title: textOf(kid(i, '', 'title')), text: textOf(i) })),
    links,
    doc: root,
  };
}

function maxAgeOf(res: Response): number {
  const cc = res.headers.get('cache-control') ?? '';
  const m = /^public, max-age=(\d+)$/.exec(cc);
  expect(m, `public Cache-Control, got "${cc}"`).not.toBeNull();
  return Number(m![1]);
}

async function problemOf(res: Response, status: number, label: string): Promise<Record<string, unknown>> {
  expect(res.status, label).toBe(status);
  expect(res.headers.get('content-type'), label).toBe('application/problem+json');
  expect(res.headers.get('cache-control'), label).toBe('no-store');
  return (await res.json()) as Record<string, unknown>;
}

const afterRealTimers = () => afterEach(() => void vi.useRealTimers());

// =============================================================================================
// 1. Embargo

const RELEASE = '2027-03-01T12:00:00Z';
const RELEASE_MS = Date.parse(RELEASE);
const EMBARGOED = 'wire-embargoed-summit';
const EMBARGOED_HEADLINE = 'Quiet summit in Valletta agrees a fishing accord';
const EMBARGOED_BODY = paragraphs(EMBARGOED.toUpperCase());
const USABLE = 'wire-usable-harbour';
const USABLE_HEADLINE = 'Harbour workers return after a short strike';

const EMBARGO_FILES: DataFile[] = [
  storyFile({
    slug: EMBARGOED,
    headline: EMBARGOED_HEADLINE,
    feeds: ['wire'],
    published: '2027-03-01T10:00:00Z',
    updated: '2027-03-01T10:00:00Z',
    status: 'embargoed',
    embargoedUntil: RELEASE,
    body: EMBARGOED_BODY,
  }),
  storyFile({ slug: USABLE, headline: USABLE_HEADLINE, feeds: ['wire'], published: '2027-02-28T09:00:00Z', updated: '2027-02-28T09:00:00Z' }),
  feedFile('wire', [EMBARGOED, USABLE]),
];

/** What must not reach anyone without embargo access before the release instant. */
const EMBARGO_SECRETS = [EMBARGOED_HEADLINE, EMBARGOED, ...EMBARGOED_BODY, `${EMBARGOED.toUpperCase()} paragraph`];

describe('embargo, decided at request time (one gateway, the clock moves)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await gateway({ extraFeeds: EMBARGO_FILES, extraLicensees: LICENSEES });
  });
  beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'] }));
  afterRealTimers();

  const at = (iso: string | number) => vi.setSystemTime(new Date(iso));
  // Tokens are minted after the clock is set: jose checks iat/exp against the (faked) Date.
  const wireDesk = async () => bearer(await gw.token({ sub: 'wire-desk', scope: WIRE_SCOPE }));
  const embargoDesk = async () => bearer(await gw.token({ sub: 'embargo-desk', scope: 'feed:*' }));
  const demo = async () => bearer(await gw.token());
  const BEFORE = '2027-03-01T11:00:00Z';

  it('the fixture is what it says: the story is embargoed until the release instant', () => {
    const s = gw.data.catalog.stories.get(EMBARGOED)!;
    expect(s.status).toBe('embargoed');
    expect(s.embargoedUntil).toBe(RELEASE);
  });

  describe('before the release instant', () => {
    it('public: the story is 404 in all three formats, byte-for-byte the answer for an unknown slug', async () => {
      at(BEFORE);
      for (const suffix of STORY_SUFFIXES) {
        for (const method of ['GET', 'HEAD']) {
          const hidden = await gw.request(`/articles/${EMBARGOED}${suffix}`, { method });
          const unknown = await gw.request(`/articles/no-such-story-at-all${suffix}`, { method });
          expect(hidden.status, `${method} ${suffix}`).toBe(404);
          expect(hidden.headers.get('cache-control'), 'no cache may keep it hidden past the release').toBe('no-store');
          expect(headerText(hidden)).toBe(headerText(unknown));
          expect(await hidden.text()).toBe(await unknown.text());
        }
      }
    });

    it('a licensee of the feed without embargo access: the same 404 as an unknown slug', async () => {
      at(BEFORE);
      const auth = await wireDesk();
      for (const suffix of STORY_SUFFIXES) {
        const hidden = await gw.request(`/articles/${EMBARGOED}${suffix}`, auth);
        const unknown = await gw.request(`/articles/no-such-story-at-all${suffix}`, auth);
        const body = await problemOf(hidden, 404, `wire-desk ${suffix}`);
        expect(body).toEqual(await unknown.json());
        expect(headerText(hidden)).toBe(headerText(unknown));
      }
    });

    it('demo-newsroom (licensed for world only): the same 404 as an unknown slug, not a 403 that confirms the story exists', async () => {
      at(BEFORE);
      const auth = await demo();
      for (const suffix of STORY_SUFFIXES) {
        const hidden = await gw.request(`/articles/${EMBARGOED}${suffix}`, auth);
        const unknown = await gw.request(`/articles/no-such-story-at-all${suffix}`, auth);
        expect(unknown.status).toBe(404);
        expect({ status: hidden.status, body: await hidden.text() }, `demo-newsroom ${suffix}`).toEqual({ status: 404, body: await unknown.text() });
      }
    });

    it('absent from every feed format and from the index, for the public and for wire-desk', async () => {
      at(BEFORE);
      for (const [who, auth] of [
        ['public', {}],
        ['wire-desk', await wireDesk()],
      ] as const) {
        for (const file of FEED_FILES) {
          const res = await gw.request(`/feeds/wire/${file}`, auth);
          expect(res.status, `${who} ${file}`).toBe(200);
          const text = await textOfResponse(res);
          const { ids, advisories } = feedItems(file, text, `${who} ${file}`);
          expect(ids, `${who} ${file}`).toEqual([articleUrl(USABLE)]);
          expect(advisories).toEqual([]);
          expectAbsent(text, headerText(res), EMBARGO_SECRETS, `${who} ${file}`);
        }
      }
      for (const accept of ['text/html', 'application/json']) {
        const res = await gw.request('/', { headers: { Accept: accept } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text, accept).toContain(USABLE_HEADLINE);
        expectAbsent(text, headerText(res), EMBARGO_SECRETS, `index ${accept}`);
      }
      const index = (await (await gw.request('/', { headers: { Accept: 'application/json' } })).json()) as { stories: { slug: string }[] };
      expect(index.stories.map((s) => s.slug)).toContain(USABLE);
      expect(index.stories.map((s) => s.slug)).not.toContain(EMBARGOED);
    });

    it('nothing of the story anywhere the public or a non-embargo licensee can reach', async () => {
      at(BEFORE);
      const paths = [
        '/',
        '/license',
        '/license.xml',
        '/robots.txt',
        '/.well-known/tdmrep.json',
        '/rights/offer.jsonld',
        '/rights/tdm-policy.jsonld',
        ...['wire', 'world'].flatMap((f) => FEED_FILES.map((x) => `/feeds/${f}/${x}`)),
        ...STORY_SUFFIXES.map((s) => `/articles/${EMBARGOED}${s}`),
        ...STORY_SUFFIXES.map((s) => `/articles/${USABLE}${s}`),
        '/feeds/wire/atom.xml?page=2',
      ];
      for (const [who, auth] of [
        ['public', {}],
        ['wire-desk', await wireDesk()],
        ['demo-newsroom', await demo()],
      ] as const) {
        for (const path of paths) {
          for (const accept of ['*/*', 'application/json']) {
            const init = { headers: { ...((auth as RequestInit).headers as Record<string, string> | undefined), Accept: accept } };
            const res = await gw.request(path, init);
            expectAbsent(await res.text(), headerText(res), EMBARGO_SECRETS, `${who} ${path} (${accept})`);
          }
        }
      }
    });

    it('a licensee with embargo access gets the full text with the embargo notice, in all three formats', async () => {
      at(BEFORE);
      const auth = await embargoDesk();
      const notice = `EMBARGOED: not for publication, broadcast or posting before ${RELEASE}.`;

      const html = await gw.request(`/articles/${EMBARGOED}`, auth);
      expect(html.status).toBe(200);
      expect(html.headers.get('cache-control')).toBe('private, no-store');
      const page = unescapeMarkup(await html.text());
      expect(page).toContain(notice);
      for (const p of EMBARGOED_BODY) expect(page).toContain(p);
      expect(page).toContain('Licensed to Embargo Desk under LIC-EMB-1.');

      const txt = await gw.request(`/articles/${EMBARGOED}.txt`, auth);
      expect(txt.status).toBe(200);
      const plain = await txt.text();
      expect(plain).toContain(notice);
      for (const p of EMBARGOED_BODY) expect(plain).toContain(p);

      const json = await gw.request(`/articles/${EMBARGOED}.json`, auth);
      expect(json.status).toBe(200);
      const ninjs = (await json.json()) as { embargoedUntil?: string; pubStatus?: string; bodies: { role: string; value: string }[] };
      expect(ninjs.embargoedUntil).toBe(RELEASE);
      expect(ninjs.pubStatus).toBe('usable');
      expect(ninjs.bodies.find((b) => b.role === 'main')?.value).toBe(EMBARGOED_BODY.join('\n\n'));
    });

    it('a licensee with embargo access sees it in the feeds, carrying the notice; no public cache may hold it', async () => {
      at(BEFORE);
      const auth = await embargoDesk();
      for (const file of FEED_FILES) {
        const res = await gw.request(`/feeds/wire/${file}`, auth);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('private, no-store');
        const text = await textOfResponse(res);
        expect(feedItems(file, text, file).ids).toEqual([articleUrl(EMBARGOED), articleUrl(USABLE)]);
        expect(
          readings(text, READINGS).some((r) => r.includes(`EMBARGOED: not for publication, broadcast or posting before ${RELEASE}.`)),
          file,
        ).toBe(true);
      }
    });

    it('public Cache-Control of the feed and the index never outlives the release instant', async () => {
      at(RELEASE_MS - 30_000);
      for (const path of [...FEED_FILES.map((f) => `/feeds/wire/${f}`), '/']) {
        const res = await gw.request(path);
        const maxAge = maxAgeOf(res);
        expect(maxAge, path).toBeLessThanOrEqual(30);
      }
      // With a long operator max-age, the cap is what bites: at most the seconds left.
      const longCache: Bindings = { ...BINDINGS, WIREGATE_PUBLIC_MAX_AGE: '86400' };
      at(RELEASE_MS - 600_000);
      for (const path of [...FEED_FILES.map((f) => `/feeds/wire/${f}`), '/']) {
        const maxAge = maxAgeOf(await gw.request(path, {}, longCache));
        expect(maxAge, path).toBeLessThanOrEqual(600);
        expect(maxAge, path).toBeGreaterThan(0);
      }
      // A feed without an embargo keeps the operator's lifetime.
      expect(maxAgeOf(await gw.request('/feeds/world/rss.xml', {}, longCache))).toBe(86400);
    });
  });

  describe('across the release instant (no rebuild, no redeploy)', () => {
    it('one second after: public excerpt, in every feed and the index, with new validators', async () => {
      at(BEFORE);
      const before: Record<string, { etag: string; lastModified: string }> = {};
      for (const path of [...FEED_FILES.map((f) => `/feeds/wire/${f}`), '/']) {
        const res = await gw.request(path);
        before[path] = { etag: res.headers.get('etag')!, lastModified: res.headers.get('last-modified')! };
      }

      at(RELEASE_MS + 1000);
      for (const suffix of STORY_SUFFIXES) {
        const res = await gw.request(`/articles/${EMBARGOED}${suffix}`);
        expect(res.status, suffix).toBe(200);
        expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
        const text = await res.text();
        const all = readings(text, READINGS).join('\n');
        expect(all, suffix).toContain(EMBARGOED_HEADLINE);
        expect(all, suffix).toContain(EMBARGOED_BODY[0]);
        for (const late of EMBARGOED_BODY.slice(2)) expect(all, `${suffix}: excerpt only`).not.toContain(late);
        expect(all).not.toContain('EMBARGOED:');
        expect(Date.parse(res.headers.get('last-modified')!)).toBeGreaterThanOrEqual(RELEASE_MS);
      }
      for (const file of FEED_FILES) {
        const path = `/feeds/wire/${file}`;
        const res = await gw.request(path);
        expect(res.status).toBe(200);
        expect(feedItems(file, await textOfResponse(res), path).ids).toEqual([articleUrl(EMBARGOED), articleUrl(USABLE)]);
        expect(res.headers.get('etag'), path).not.toBe(before[path]!.etag);
        expect(Date.parse(res.headers.get('last-modified')!), path).toBeGreaterThanOrEqual(RELEASE_MS);
        expect(Date.parse(res.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(before[path]!.lastModified));
        // A reader revalidating with what it had before the release must get the new document.
        const inm = await gw.request(path, { headers: { 'If-None-Match': before[path]!.etag } });
        expect(inm.status, `${path} If-None-Match`).toBe(200);
        const ims = await gw.request(path, { headers: { 'If-Modified-Since': before[path]!.lastModified } });
        expect(ims.status, `${path} If-Modified-Since`).toBe(200);
      }
      for (const accept of ['text/html', 'application/json']) {
        const res = await gw.request('/', { headers: { Accept: accept } });
        expect(unescapeMarkup(await res.text()), accept).toContain(EMBARGOED_HEADLINE);
        if (accept === 'text/html') expect(res.headers.get('etag')).not.toBe(before['/']!.etag);
        expect(Date.parse(res.headers.get('last-modified')!)).toBeGreaterThanOrEqual(RELEASE_MS);
      }
    });

    it('exactly at the instant it is live; one millisecond before it is not', async () => {
      at(RELEASE_MS - 1);
      expect((await gw.request(`/articles/${EMBARGOED}`)).status).toBe(404);
      at(RELEASE_MS);
      expect((await gw.request(`/articles/${EMBARGOED}`)).status).toBe(200);
    });

    it('after release, licensees get the full text without the embargo notice', async () => {
      at(RELEASE_MS + 1000);
      for (const auth of [await wireDesk(), await embargoDesk()]) {
        const res = await gw.request(`/articles/${EMBARGOED}.txt`, auth);
        expect(res.status).toBe(200);
        const text = await res.text();
        for (const p of EMBARGOED_BODY) expect(text).toContain(p);
        expect(text).not.toContain('EMBARGOED:');
        const ninjs = (await (await gw.request(`/articles/${EMBARGOED}.json`, auth)).json()) as Record<string, unknown>;
        expect(ninjs['embargoedUntil']).toBeUndefined();
      }
    });

    it('after release the feed Cache-Control is the operator default again', async () => {
      at(RELEASE_MS + 1000);
      expect(maxAgeOf(await gw.request('/feeds/wire/atom.xml'))).toBe(60);
    });
  });
});

// =============================================================================================
// 2. Kill and withhold

const KILLED = 'wire-killed-ferry';
const KILLED_HEADLINE = 'Ferry operator admits safety lapses';
const KILL_NOTICE = 'Story killed: the report was based on a forged document. KILLNOTE';
const WITHHELD = 'wire-withheld-tender';
const WITHHELD_HEADLINE = 'Port tender awarded to a single bidder';
const WITHHOLD_NOTICE = 'Withheld pending a legal review. WITHHOLDNOTE';
const LONE_KILLED = 'recall-lone-killed';
const LONE_NOTICE = 'Killed: wrong names throughout. LONENOTE';
const KEEP_A = 'wire-keep-alpha';
const KEEP_B = 'wire-keep-beta';

const KILL_FILES: DataFile[] = [
  storyFile({ slug: KEEP_A, headline: 'Alpha story stays', feeds: ['wire'], published: '2027-02-05T09:00:00Z', updated: '2027-02-05T09:00:00Z' }),
  storyFile({
    slug: KILLED,
    headline: KILLED_HEADLINE,
    feeds: ['wire'],
    published: '2027-02-04T09:00:00Z',
    updated: '2027-02-06T09:00:00Z',
    status: 'canceled',
    notice: KILL_NOTICE,
  }),
  storyFile({
    slug: WITHHELD,
    headline: WITHHELD_HEADLINE,
    feeds: ['wire'],
    published: '2027-02-03T09:00:00Z',
    updated: '2027-02-06T10:00:00Z',
    status: 'withheld',
    notice: WITHHOLD_NOTICE,
  }),
  storyFile({ slug: KEEP_B, headline: 'Beta story stays', feeds: ['wire'], published: '2027-02-02T09:00:00Z', updated: '2027-02-02T09:00:00Z' }),
  storyFile({
    slug: LONE_KILLED,
    headline: 'The only story of the recall feed',
    feeds: ['recall'],
    published: '2027-02-01T09:00:00Z',
    updated: '2027-02-07T09:00:00Z',
    status: 'canceled',
    notice: LONE_NOTICE,
  }),
  feedFile('wire', [KEEP_A, KILLED, WITHHELD, KEEP_B]),
  feedFile('recall', [LONE_KILLED]),
];

const GONE = [
  { slug: KILLED, headline: KILLED_HEADLINE, notice: KILL_NOTICE, code: 'story_killed', word: 'KILL', lead: 'KILLED: do not publish, and remove every copy.' },
  {
    slug: WITHHELD,
    headline: WITHHELD_HEADLINE,
    notice: WITHHOLD_NOTICE,
    code: 'story_withheld',
    word: 'WITHHOLD',
    lead: 'WITHHELD: do not publish until further notice.',
  },
] as const;

describe('kill and withhold', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await gateway({ extraFeeds: KILL_FILES, extraLicensees: LICENSEES });
  });
  const callers = async () =>
    [
      ['public', {}],
      ['wire-desk', bearer(await gw.token({ sub: 'wire-desk', scope: WIRE_SCOPE }))],
      ['embargo-desk', bearer(await gw.token({ sub: 'embargo-desk', scope: 'feed:*' }))],
      ['demo-newsroom (world only)', bearer(await gw.token())],
    ] as const;

  for (const g of GONE) {
    it(`${g.slug}: 410 ${g.code} with the notice, for everyone, in every format`, async () => {
      const body = paragraphs(g.slug.toUpperCase());
      for (const [who, auth] of await callers()) {
        for (const suffix of STORY_SUFFIXES) {
          const label = `${who} ${suffix || '.html'}`;
          const res = await gw.request(`/articles/${g.slug}${suffix}`, auth);
          const headers = headerText(res);
          const problem = await problemOf(res, 410, label);
          expect(problem['code'], label).toBe(g.code);
          expect(problem['status']).toBe(410);
          expect(problem['type']).toBe(`${BASE}/problems/${g.code.replaceAll('_', '-')}`);
          expect(problem['detail'], label).toBe(`${g.lead} ${g.notice}`);
          expectAbsent(JSON.stringify(problem), headers, body, label);
          const head = await gw.request(`/articles/${g.slug}${suffix}`, { ...auth, method: 'HEAD' });
          expect(head.status).toBe(410);
          expect(await head.text()).toBe('');
        }
      }
    });
  }

  it('gone stories leave every feed item list, for the public and for licensees', async () => {
    for (const [who, auth] of (await callers()).slice(0, 3)) {
      for (const file of FEED_FILES) {
        const res = await gw.request(`/feeds/wire/${file}`, auth);
        expect(res.status).toBe(200);
        const text = await textOfResponse(res);
        const { ids } = feedItems(file, text, `${who} ${file}`);
        expect(ids, `${who} ${file}`).toEqual([articleUrl(KEEP_A), articleUrl(KEEP_B)]);
        // No paragraph of a gone story survives anywhere in the document.
        expectAbsent(text, headerText(res), [...paragraphs(KILLED.toUpperCase()), ...paragraphs(WITHHELD.toUpperCase())], `${who} ${file}`);
      }
    }
  });

  it('Atom, public and licensed: an RFC 6721 at:deleted-entry per gone story, with the namespace declared', async () => {
    for (const [who, auth] of (await callers()).slice(0, 3)) {
      const res = await gw.request('/feeds/wire/atom.xml', auth);
      const root = parseXml(await textOfResponse(res), `${who} atom`);
      expect(root.uri).toBe(ATOM);
      expect(Object.values(root.ns), `${who}: tombstones namespace declared`).toContain(TOMBSTONES);
      const deleted = kids(root, TOMBSTONES, 'deleted-entry');
      expect(deleted.map((d) => d.attrs['ref']).sort(), who).toEqual([articleUrl(KILLED), articleUrl(WITHHELD)].sort());
      for (const d of deleted) {
        expect(Number.isNaN(Date.parse(d.attrs['when'] ?? '')), 'when is a date-time').toBe(false);
        const g = GONE.find((x) => articleUrl(x.slug) === d.attrs['ref'])!;
        expect(textOf(kid(d, TOMBSTONES, 'comment'))).toContain(g.notice);
      }
      // No <entry> for a gone story.
      const entryIds = kids(root, ATOM, 'entry').map((e) => textOf(kid(e, ATOM, 'id')));
      expect(entryIds).not.toContain(articleUrl(KILLED));
      expect(entryIds).not.toContain(articleUrl(WITHHELD));
    }
  });

  it('licensed RSS and JSON Feed carry a KILL and a WITHHOLD advisory item', async () => {
    for (const [who, auth] of (await callers()).slice(1, 3)) {
      for (const file of ['rss.xml', 'feed.json'] as const) {
        const { advisories } = feedItems(file, await textOfResponse(await gw.request(`/feeds/wire/${file}`, auth)), `${who} ${file}`);
        expect(advisories.length, `${who} ${file}`).toBe(2);
        for (const g of GONE) {
          const a = advisories.find((x) => x.title === `${g.word}: ${g.headline}`);
          expect(a, `${who} ${file}: ${g.word} advisory`).toBeDefined();
          expect(a!.text).toContain(g.notice);
          expect(readings(a!.text, READINGS).join('\n')).toContain(articleUrl(g.slug));
        }
      }
      const json = JSON.parse(await textOfResponse(await gw.request('/feeds/wire/feed.json', auth))) as { items: Record<string, unknown>[] };
      const kill = json.items.find((i) => (i['_wiregate_advisory'] as { status?: string } | undefined)?.status === 'canceled');
      expect(kill?.['_wiregate_advisory']).toEqual({ status: 'canceled', notice: KILL_NOTICE, action: 'remove-all-copies' });
    }
  });

  it('public RSS and JSON Feed do not mention gone stories at all', async () => {
    for (const file of ['rss.xml', 'feed.json'] as const) {
      const res = await gw.request(`/feeds/wire/${file}`);
      const text = await textOfResponse(res);
      expect(feedItems(file, text, file).advisories).toEqual([]);
      expectAbsent(
        text,
        headerText(res),
        [KILLED, WITHHELD, KILLED_HEADLINE, WITHHELD_HEADLINE, KILL_NOTICE, WITHHOLD_NOTICE, 'KILL:', 'WITHHOLD:'],
        `public ${file}`,
      );
    }
  });

  it('gone stories are not in the index', async () => {
    for (const accept of ['text/html', 'application/json']) {
      const text = await (await gw.request('/', { headers: { Accept: accept } })).text();
      expect(text).toContain(KEEP_A);
      for (const s of [KILLED, WITHHELD, LONE_KILLED]) expect(text, accept).not.toContain(s);
    }
  });

  it('a licensed feed whose only story was killed still carries the advisory (RSS, JSON Feed) and the tombstone (Atom)', async () => {
    const auth = bearer(await gw.token({ sub: 'wire-desk', scope: WIRE_SCOPE }));
    const atom = parseXml(await textOfResponse(await gw.request('/feeds/recall/atom.xml', auth)), 'recall atom');
    expect(kids(atom, TOMBSTONES, 'deleted-entry').map((d) => d.attrs['ref'])).toEqual([articleUrl(LONE_KILLED)]);
    for (const file of ['rss.xml', 'feed.json'] as const) {
      const res = await gw.request(`/feeds/recall/${file}`, auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const { ids, advisories } = feedItems(file, await textOfResponse(res), `recall ${file}`);
      expect(ids).toEqual([]);
      expect(
        advisories.map((a) => a.title),
        `licensed recall ${file}`,
      ).toEqual(['KILL: The only story of the recall feed']);
    }
  });
});

// =============================================================================================
// 3. Corrections

const CORRECTED = 'wire-corrected-minister';
const CORRECTION = 'Corrects the spelling of the minister name in the fourth paragraph. CORRNOTE';
const V1_BODY = paragraphs(CORRECTED.toUpperCase());
const V2_BODY = V1_BODY.map((p, i) => (i === 3 ? p.replace('paragraph 3', 'paragraph 3 (corrected)') : p));
const V1_UPDATED = '2027-02-01T09:00:00Z';
const V2_UPDATED = '2027-02-02T15:30:00Z';

function correctionFiles(version: 1 | 2): DataFile[] {
  return [
    storyFile({
      slug: CORRECTED,
      headline: 'Minister opens the new grain terminal',
      feeds: ['wire'],
      published: '2027-02-01T09:00:00Z',
      updated: version === 1 ? V1_UPDATED : V2_UPDATED,
      version,
      ...(version === 2 ? { correction: CORRECTION } : {}),
      body: version === 1 ? V1_BODY : V2_BODY,
    }),
    feedFile('wire', [CORRECTED]),
  ];
}

describe('corrections: a new version', () => {
  let v1: Gateway;
  /** Version 2 served by a second app over the same registry (same trusted keys, so the same token works). */
  let v2: (path: string, init?: RequestInit) => Promise<Response>;
  let auth: RequestInit;

  beforeAll(async () => {
    v1 = await gateway({ extraFeeds: correctionFiles(1), extraLicensees: LICENSEES });
    // Version 2 in a second store with the same registry (same trusted keys, so the same token works).
    const store = await testStore({ feeds: [...packedFiles().feeds, ...correctionFiles(2)], licenses: v1.files.licenses });
    const app = newApp(() => store);
    v2 = async (path, init) => app.request(path, init, BINDINGS);
    auth = bearer(await v1.token({ sub: 'wire-desk', scope: WIRE_SCOPE }));
  });

  const pairs = [...STORY_SUFFIXES.map((s) => `/articles/${CORRECTED}${s}`), ...FEED_FILES.map((f) => `/feeds/wire/${f}`)];

  it('ETag and Last-Modified change, public and licensed, on every story format and feed', async () => {
    for (const path of pairs) {
      for (const [who, init] of [
        ['public', {}],
        ['licensed', auth],
      ] as const) {
        const a = await v1.request(path, init);
        const b = await v2(path, init);
        expect([a.status, b.status], `${who} ${path}`).toEqual([200, 200]);
        expect(b.headers.get('etag'), `${who} ${path}`).not.toBe(a.headers.get('etag'));
        expect(Date.parse(a.headers.get('last-modified')!)).toBe(Date.parse(V1_UPDATED));
        expect(Date.parse(b.headers.get('last-modified')!), `${who} ${path}`).toBe(Date.parse(V2_UPDATED));
        // A reader holding version 1's validators gets version 2.
        expect(
          (await v2(path, { headers: { ...(init as { headers?: Record<string, string> }).headers, 'If-None-Match': a.headers.get('etag')! } })).status,
        ).toBe(200);
        expect(
          (await v2(path, { headers: { ...(init as { headers?: Record<string, string> }).headers, 'If-Modified-Since': a.headers.get('last-modified')! } }))
            .status,
        ).toBe(200);
      }
    }
  });

  it('feeds move `updated` (Atom), `date_modified` (JSON Feed) and lastBuildDate (RSS)', async () => {
    const atomUpdated = async (res: Response) => {
      const root = parseXml(await textOfResponse(res), 'atom');
      const entry = kids(root, ATOM, 'entry')[0]!;
      return [textOf(kid(root, ATOM, 'updated')), textOf(kid(entry, ATOM, 'updated'))].map(Date.parse);
    };
    expect(await atomUpdated(await v1.request('/feeds/wire/atom.xml'))).toEqual([Date.parse(V1_UPDATED), Date.parse(V1_UPDATED)]);
    expect(await atomUpdated(await v2('/feeds/wire/atom.xml'))).toEqual([Date.parse(V2_UPDATED), Date.parse(V2_UPDATED)]);

    const modified = async (res: Response) => ((await res.json()) as { items: { date_modified: string }[] }).items[0]!.date_modified;
    expect(Date.parse(await modified(await v1.request('/feeds/wire/feed.json')))).toBe(Date.parse(V1_UPDATED));
    expect(Date.parse(await modified(await v2('/feeds/wire/feed.json')))).toBe(Date.parse(V2_UPDATED));

    const lastBuild = async (res: Response) => textOf(kid(kid(parseXml(await textOfResponse(res), 'rss'), '', 'channel'), '', 'lastBuildDate'));
    expect(Date.parse(await lastBuild(await v1.request('/feeds/wire/rss.xml')))).toBe(Date.parse(V1_UPDATED));
    expect(Date.parse(await lastBuild(await v2('/feeds/wire/rss.xml')))).toBe(Date.parse(V2_UPDATED));
  });

  it('ninjs: version and versionCreated change; the correction is a description with role "correction"', async () => {
    for (const init of [{}, auth]) {
      const a = (await (await v1.request(`/articles/${CORRECTED}.json`, init)).json()) as Record<string, unknown>;
      const b = (await (await v2(`/articles/${CORRECTED}.json`, init)).json()) as Record<string, unknown>;
      expect([a['version'], b['version']]).toEqual(['1', '2']);
      expect([a['versionCreated'], b['versionCreated']].map((d) => Date.parse(String(d)))).toEqual([Date.parse(V1_UPDATED), Date.parse(V2_UPDATED)]);
      expect(a['firstCreated']).toBe(b['firstCreated']);
      expect(a['descriptions']).toBeUndefined();
      expect(b['descriptions']).toEqual([{ role: 'correction', contentType: 'text/plain', value: CORRECTION }]);
    }
  });

  it('the correction note is shown in HTML, text and feeds (public and licensed), and only in version 2', async () => {
    for (const init of [{}, auth]) {
      for (const path of [`/articles/${CORRECTED}`, `/articles/${CORRECTED}.txt`, ...FEED_FILES.map((f) => `/feeds/wire/${f}`)]) {
        const a = readings(await (await v1.request(path, init)).text(), READINGS).join('\n');
        const b = readings(await (await v2(path, init)).text(), READINGS).join('\n');
        expect(a, path).not.toContain(CORRECTION);
        expect(b, path).toContain(CORRECTION);
      }
    }
    const txt = await (await v2(`/articles/${CORRECTED}.txt`)).text();
    expect(txt).toMatch(/Correction[^\n]*: Corrects the spelling/);
  });

  it('the licensed receipt is per story version: same token, same version → same receipt; new version → new receipt', async () => {
    const receipt = async (res: Response) =>
      ((await res.json()) as { altIds?: { role: string; value: string }[] }).altIds?.find((x) => x.role === 'receipt')?.value;
    const a1 = await receipt(await v1.request(`/articles/${CORRECTED}.json`, auth));
    const a2 = await receipt(await v1.request(`/articles/${CORRECTED}.json`, auth));
    const b = await receipt(await v2(`/articles/${CORRECTED}.json`, auth));
    expect(a1).toMatch(/\S{8,}/);
    expect(a2).toBe(a1);
    expect(b).toMatch(/\S{8,}/);
    expect(b).not.toBe(a1);
    // The text and HTML formats carry the same receipt.
    expect(await (await v2(`/articles/${CORRECTED}.txt`, auth)).text()).toContain(`Receipt: ${b}`);
    expect(await (await v1.request(`/articles/${CORRECTED}.txt`, auth)).text()).toContain(`Receipt: ${a1}`);
  });
});

// =============================================================================================
// 4. Feed-reader HTTP: conditional GET, paging, WebSub

const PAGED = [1, 2, 3, 4, 5].map((n) => `paged-story-${n}`);
const HTTP_FILES: DataFile[] = [
  ...PAGED.map((slug, i) =>
    storyFile({
      slug,
      headline: `Paged story number ${i + 1}`,
      feeds: ['paged'],
      published: `2027-01-${String(20 - i).padStart(2, '0')}T08:00:00Z`,
      updated: `2027-01-${String(20 - i).padStart(2, '0')}T08:00:00Z`,
    }),
  ),
  storyFile({ slug: 'wire-http-story', headline: 'A story for conditional requests', feeds: ['wire'] }),
  feedFile('paged', PAGED),
  feedFile('wire', ['wire-http-story']),
];
const PAGING: Bindings = { ...BINDINGS, WIREGATE_FEED_ITEMS: '2' };
const HUB: Bindings = { ...BINDINGS, WIREGATE_WEBSUB_HUB: 'https://hub.example/' };

describe('feed-reader HTTP', () => {
  let gw: Gateway;
  let auth: RequestInit;
  beforeAll(async () => {
    gw = await gateway({ extraFeeds: HTTP_FILES, extraLicensees: LICENSEES });
    auth = bearer(await gw.token({ sub: 'wire-desk', scope: WIRE_SCOPE }));
  });
  const withHeaders = (init: RequestInit, extra: Record<string, string>): RequestInit => ({
    headers: { ...(init.headers as Record<string, string> | undefined), ...extra },
  });

  const CONDITIONAL = [
    ...STORY_SUFFIXES.map((s) => `/articles/wire-http-story${s}`),
    ...FEED_FILES.map((f) => `/feeds/wire/${f}`),
    ...FEED_FILES.map((f) => `/feeds/paged/${f}`),
  ];

  it.each(CONDITIONAL)('%s: 304 on If-None-Match and If-Modified-Since, public and licensed', async (path) => {
    for (const [who, init] of [
      ['public', {}],
      ['licensed', auth],
    ] as const) {
      const first = await gw.request(path, init);
      expect(first.status, `${who} ${path}`).toBe(200);
      const etag = first.headers.get('etag')!;
      const lastModified = first.headers.get('last-modified')!;
      expect(etag, who).toBeTruthy();
      expect(lastModified, who).toBeTruthy();
      const cacheControl = first.headers.get('cache-control');
      expect(cacheControl).toBe(who === 'public' ? 'public, max-age=60' : 'private, no-store');

      const inm = await gw.request(path, withHeaders(init, { 'If-None-Match': etag }));
      expect(inm.status, `${who} ${path} If-None-Match`).toBe(304);
      expect(await inm.text()).toBe('');
      expect(inm.headers.get('etag')).toBe(etag);
      expect(inm.headers.get('cache-control')).toBe(cacheControl);
      expect((inm.headers.get('vary') ?? '').toLowerCase()).toContain('authorization');

      const ims = await gw.request(path, withHeaders(init, { 'If-Modified-Since': lastModified }));
      expect(ims.status, `${who} ${path} If-Modified-Since`).toBe(304);
      expect(await ims.text()).toBe('');

      const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
      expect((await gw.request(path, withHeaders(init, { 'If-Modified-Since': older }))).status, `${who} older IMS`).toBe(200);
      expect((await gw.request(path, withHeaders(init, { 'If-None-Match': '"something-else"' }))).status).toBe(200);
    }
  });

  it.each(CONDITIONAL)('%s: a validator of one tier never validates the other tier', async (path) => {
    const pub = await gw.request(path);
    const lic = await gw.request(path, auth);
    expect(pub.headers.get('etag')).not.toBe(lic.headers.get('etag'));
    expect((await gw.request(path, withHeaders(auth, { 'If-None-Match': pub.headers.get('etag')! }))).status).toBe(200);
    expect((await gw.request(path, { headers: { 'If-None-Match': lic.headers.get('etag')! } })).status).toBe(200);
  });

  describe('RFC 5005 paging (WIREGATE_FEED_ITEMS=2, five stories)', () => {
    const url = (file: string, page?: number) => `${BASE}/feeds/paged/${file}${page && page > 1 ? `?page=${page}` : ''}`;

    for (const file of FEED_FILES) {
      for (const [who, tier] of [
        ['public', 'public'],
        ['licensed', 'licensed'],
      ] as const) {
        it(`${file} (${who}): 2 + 2 + 1 items, next/previous/first links, page 4 is 404`, async () => {
          const init = tier === 'licensed' ? auth : {};
          const pages: FeedItems[] = [];
          for (const page of [1, 2, 3]) {
            const res = await gw.request(`/feeds/paged/${file}${page > 1 ? `?page=${page}` : ''}`, init, PAGING);
            expect(res.status, `page ${page}`).toBe(200);
            pages.push(feedItems(file, await textOfResponse(res), `${file} page ${page}`));
          }
          expect(pages.map((p) => p.ids.length)).toEqual([2, 2, 1]);
          const all = pages.flatMap((p) => p.ids);
          expect(all).toEqual(PAGED.map(articleUrl));
          expect(new Set(all).size).toBe(5);

          const [p1, p2, p3] = pages as [FeedItems, FeedItems, FeedItems];
          expect(p1.links['next']).toEqual([url(file, 2)]);
          expect(p2.links['next']).toEqual([url(file, 3)]);
          expect(p3.links['next']).toBeUndefined();
          expect(p1.links['self']).toEqual([url(file, 1)]);
          expect(p3.links['self']).toEqual([url(file, 3)]);
          if (file !== 'feed.json') {
            // JSON Feed 1.1 has next_url only; the XML formats carry first and previous too.
            expect(p1.links['previous']).toBeUndefined();
            expect(p2.links['previous']).toEqual([url(file, 1)]);
            expect(p3.links['previous']).toEqual([url(file, 2)]);
            for (const p of pages) expect(p.links['first']).toEqual([url(file, 1)]);
          }

          for (const bad of ['4', '0', 'abc', '-1', '1.5']) {
            await problemOf(await gw.request(`/feeds/paged/${file}?page=${bad}`, init, PAGING), 404, `${file} ${who} ?page=${bad}`);
          }
        });
      }
    }

    it('following next links from page 1 walks the whole feed once, in order (RSS)', async () => {
      const seen: string[] = [];
      let next: string | undefined = `${BASE}/feeds/paged/rss.xml`;
      for (let hops = 0; next && hops < 10; hops++) {
        const res = await gw.request(next.slice(BASE.length), {}, PAGING);
        const page = feedItems('rss.xml', await textOfResponse(res), next);
        seen.push(...page.ids);
        next = page.links['next']?.[0];
      }
      expect(seen).toEqual(PAGED.map(articleUrl));
    });

    it('paged responses have their own validators and answer 304', async () => {
      const p1 = await gw.request('/feeds/paged/atom.xml', {}, PAGING);
      const p2 = await gw.request('/feeds/paged/atom.xml?page=2', {}, PAGING);
      expect(p1.headers.get('etag')).not.toBe(p2.headers.get('etag'));
      const again = await gw.request('/feeds/paged/atom.xml?page=2', { headers: { 'If-None-Match': p2.headers.get('etag')! } }, PAGING);
      expect(again.status).toBe(304);
    });

    it('the default page size is 50: five stories fit on page 1 with no next link', async () => {
      for (const file of FEED_FILES) {
        const page = feedItems(file, await textOfResponse(await gw.request(`/feeds/paged/${file}`)), file);
        expect(page.ids).toEqual(PAGED.map(articleUrl));
        expect(page.links['next']).toBeUndefined();
      }
      await problemOf(await gw.request('/feeds/paged/atom.xml?page=2'), 404, 'page 2 of a one-page feed');
    });
  });

  describe('WebSub', () => {
    it('WIREGATE_WEBSUB_HUB: rel="hub" and rel="self" in Atom and RSS, `hubs` in JSON Feed', async () => {
      for (const init of [{}, auth]) {
        const atom = feedItems('atom.xml', await textOfResponse(await gw.request('/feeds/wire/atom.xml', init, HUB)), 'atom');
        expect(atom.links['hub']).toEqual(['https://hub.example/']);
        expect(atom.links['self']).toEqual([`${BASE}/feeds/wire/atom.xml`]);
        const rss = feedItems('rss.xml', await textOfResponse(await gw.request('/feeds/wire/rss.xml', init, HUB)), 'rss');
        expect(rss.links['hub']).toEqual(['https://hub.example/']);
        expect(rss.links['self']).toEqual([`${BASE}/feeds/wire/rss.xml`]);
        const json = JSON.parse(await textOfResponse(await gw.request('/feeds/wire/feed.json', init, HUB))) as Record<string, unknown>;
        expect(json['hubs']).toEqual([{ type: 'WebSub', url: 'https://hub.example/' }]);
        expect(json['feed_url']).toBe(`${BASE}/feeds/wire/feed.json`);
      }
    });

    it('without a hub: no rel="hub", no `hubs`', async () => {
      const atom = feedItems('atom.xml', await textOfResponse(await gw.request('/feeds/wire/atom.xml')), 'atom');
      expect(atom.links['hub']).toBeUndefined();
      const rss = feedItems('rss.xml', await textOfResponse(await gw.request('/feeds/wire/rss.xml')), 'rss');
      expect(rss.links['hub']).toBeUndefined();
      const json = JSON.parse(await textOfResponse(await gw.request('/feeds/wire/feed.json'))) as Record<string, unknown>;
      expect(json['hubs']).toBeUndefined();
    });

    it('the RSS self and hub links are in the Atom namespace', async () => {
      const root = parseXml(await textOfResponse(await gw.request('/feeds/wire/rss.xml', {}, HUB)), 'rss');
      const links = descendants(root).filter((n) => n.local === 'link' && n.attrs['rel'] === 'hub');
      expect(links.map((l) => l.uri)).toEqual([ATOM]);
    });
  });
});
