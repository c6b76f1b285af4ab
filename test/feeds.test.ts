// The public feeds (SPEC §5–§6) as feed readers see them: well-formed, attributed, deterministic, injection-proof.

import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DataFile, Story } from '../src/catalog/types.ts';
import { gateway, LATE, SLUG, type Gateway } from './support/gateway.ts';
import { unescapeMarkup } from './support/text.ts';
import { descendants, kid, kids, parseXml, textOf } from './support/xml.ts';

const BASE = 'https://wire.example';
const LICENSE_URL = `${BASE}/license`;
const ATOM = 'http://www.w3.org/2005/Atom';
const DC = 'http://purl.org/dc/elements/1.1/';
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';
const FORMATS = ['rss.xml', 'atom.xml', 'feed.json'] as const;

// ---------------------------------------------------------------------------------------------
// fixtures: a feed `lab` with a hostile story and a story whose rights holder is not its source

const NASTY = `]]> one ]]> two <script>alert(1)</script> &amp; & "q" 'a' javascript:alert(2) ctl\u0001\u000B\u001F lone\uD800 end`;
const INJECTION_SLUG = 'lab-injection-story';
const HOLDER_SLUG = 'lab-attribution-story';
const LAB_LATE = 'LAB-LATE-MARKER';

const filler = (n: number, marker = '') =>
  `${marker}Paragraph ${n} of the lab story carries ordinary words so that the excerpt budget has something to measure here.`;

const injectionStory = {
  slug: INJECTION_SLUG,
  headline: `Headline ${NASTY}`,
  dateline: 'Lab & "City"',
  published: '2019-03-01T10:00:00Z',
  updated: '2019-03-02T11:30:00Z',
  version: 1,
  source: 'Lab Wire & "Sons"',
  rightsHolder: "Lab Wire & 'Sons'",
  copyrightNotice: 'Copyright 2019 Lab Wire & Sons <LW>. All rights reserved.',
  usageTerms: 'May not be "republished" or <redistributed> & so on.',
  feeds: ['lab'],
  body: [`Body ${NASTY}`, filler(2), ...[3, 4, 5, 6, 7, 8, 9].map((n) => filler(n, `${LAB_LATE} `))],
};

const holderStory = {
  slug: HOLDER_SLUG,
  headline: 'A story whose rights holder is not its source',
  dateline: 'Lab',
  published: '2019-02-01T08:00:00Z',
  updated: '2019-02-01T08:00:00Z',
  version: 2,
  source: 'Lab Wire Service',
  rightsHolder: 'Lab Media Holdings Ltd',
  copyrightNotice: 'Copyright 2019 Lab Media. All rights reserved.',
  usageTerms: 'This material may not be redistributed without permission.',
  feeds: ['lab'],
  body: [filler(1), filler(2), ...[3, 4, 5, 6, 7, 8, 9].map((n) => filler(n, `${LAB_LATE} `))],
};

const LAB_FILES: DataFile[] = [
  { path: `stories/${INJECTION_SLUG}.json`, text: JSON.stringify(injectionStory, null, 2) },
  { path: `stories/${HOLDER_SLUG}.json`, text: JSON.stringify(holderStory, null, 2) },
  {
    path: 'lab.json',
    text: JSON.stringify({
      id: 'lab',
      title: 'Lab ]]> <b>feed</b> &amp; "x"',
      description: 'Lab feed <i>for</i> ]]> tests & such',
      language: 'en',
      stories: [INJECTION_SLUG, HOLDER_SLUG],
    }),
  },
];

let gw: Gateway;

beforeAll(async () => {
  gw = await gateway({ extraFeeds: LAB_FILES });
});

afterEach(() => {
  vi.useRealTimers();
});

function storiesOf(feed: string): readonly Story[] {
  const stories = gw.data.catalog.storiesOf(feed);
  expect(stories.length, `feed ${feed} has stories`).toBeGreaterThan(0);
  return stories;
}

/**
 * Paragraphs no public response may carry (SPEC §6): whole paragraphs only, never past a quarter of the
 * body's words, and past the first paragraph never beyond the 60-word default budget.
 */
function laterParagraphs(story: Story): string[] {
  const words = (p: string) => p.split(/\s+/).filter(Boolean).length;
  const total = story.body.reduce((n, p) => n + words(p), 0);
  let through = 0;
  return story.body.filter((p, i) => {
    through += words(p);
    return through > total / 4 || (i > 0 && through > 60);
  });
}

async function fetchText(path: string, init?: RequestInit): Promise<{ res: Response; text: string; bytes: Uint8Array }> {
  const res = await gw.request(path, init);
  expect(res.status, path).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // Invalid UTF-8 would silently become U+FFFD in res.text(): decode strictly.
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return { res, text, bytes };
}

/** Text as it must read once XML-illegal characters are dropped or replaced by U+FFFD. */
function legible(text: string): string {
  return text.replace(new RegExp(NOT_XML_CHAR.source, 'g'), '').replace(/\uFFFD/g, '');
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** XML 1.0 §2.2 Char: what a text node may hold after parsing. */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ---------------------------------------------------------------------------------------------

describe('well-formed XML (saxes, strict, namespaces)', () => {
  for (const feed of ['world', 'lab']) {
    for (const file of ['rss.xml', 'atom.xml']) {
      it(`/feeds/${feed}/${file}`, async () => {
        const { text } = await fetchText(`/feeds/${feed}/${file}`);
        expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
        const root = parseXml(text, `${feed}/${file}`);
        expect(root.local).toBe(file === 'rss.xml' ? 'rss' : 'feed');
        expect(root.uri).toBe(file === 'rss.xml' ? '' : ATOM);
        for (const node of descendants(root)) {
          for (const t of node.children.filter((c): c is string => typeof c === 'string')) expect(NOT_XML_CHAR.test(t)).toBe(false);
        }
      });
    }
  }

  it('JSON Feeds parse as JSON', async () => {
    for (const feed of ['world', 'lab']) {
      const { text } = await fetchText(`/feeds/${feed}/feed.json`);
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});

describe('RSS 2.0 attribution (SPEC §6)', () => {
  for (const feed of ['world', 'lab']) {
    it(`/feeds/${feed}/rss.xml: channel <copyright>, per item <dc:rights>, <dc:creator>, <source url>`, async () => {
      const { text } = await fetchText(`/feeds/${feed}/rss.xml`);
      const rss = parseXml(text, 'rss');
      expect(rss.attrs['version']).toBe('2.0');
      const channel = kid(rss, '', 'channel');
      const copyright = textOf(kid(channel, '', 'copyright'));
      const stories = storiesOf(feed);
      for (const s of stories) expect(copyright).toContain(s.copyrightNotice);
      const channelLinks = kids(channel, ATOM, 'link');
      expect(channelLinks.some((l) => l.attrs['rel'] === 'license' && l.attrs['href'] === LICENSE_URL)).toBe(true);

      const items = kids(channel, '', 'item');
      expect(items.map((i) => legible(textOf(kid(i, '', 'title'))))).toEqual(stories.map((s) => legible(s.headline)));
      items.forEach((item, i) => {
        const s = stories[i]!;
        const canonical = `${BASE}/articles/${s.slug}`;
        expect(textOf(kid(item, '', 'link'))).toBe(canonical);
        const rights = textOf(kid(item, DC, 'rights'));
        expect(rights).toContain(s.copyrightNotice);
        expect(rights).toContain(s.usageTerms);
        expect(textOf(kid(item, DC, 'creator'))).toBe(s.source);
        const source = kid(item, '', 'source');
        expect(URL.canParse(source.attrs['url'] ?? ''), '<source url> is an absolute URL').toBe(true);
        expect(textOf(source)).toBe(s.source);
        // No full text in the public feed.
        expect(kids(item, CONTENT, 'encoded')).toEqual([]);
        const all = `${textOf(item)} ${unescapeMarkup(textOf(item))}`;
        for (const p of laterParagraphs(s)) expect(all).not.toContain(p);
        expect(all).not.toContain(LATE);
        expect(all).not.toContain(LAB_LATE);
      });
    });
  }

  it('feedsmith reads items and rights from /feeds/world/rss.xml', async () => {
    const { text } = await fetchText('/feeds/world/rss.xml');
    const feed = parseRssFeed(text);
    const s = gw.data.catalog.stories.get(SLUG)!;
    expect(feed.copyright).toBe(s.copyrightNotice);
    expect(feed.items).toHaveLength(1);
    const item = feed.items![0]!;
    expect(item.title).toBe(s.headline);
    expect(item.link).toBe(`${BASE}/articles/${SLUG}`);
    expect(item.dc?.rights?.join(' ')).toContain(s.copyrightNotice);
    expect(item.dc?.rights?.join(' ')).toContain(s.usageTerms);
    expect(item.dc?.creators).toEqual([s.source]);
    expect(item.source?.url).toMatch(/^https:\/\/wire\.example\//);
    expect(item.content?.encoded).toBeUndefined();
    expect(item.description).toContain(s.body[0]!);
    expect(item.description).not.toContain(LATE);
    expect(item.atom?.links?.some((l) => l.rel === 'license' && l.href === LICENSE_URL)).toBe(true);
  });
});

describe('Atom 1.0 attribution (SPEC §6)', () => {
  for (const feed of ['world', 'lab']) {
    it(`/feeds/${feed}/atom.xml: feed and entry <rights>, <author>, <link rel="license">`, async () => {
      const { text } = await fetchText(`/feeds/${feed}/atom.xml`);
      const root = parseXml(text, 'atom');
      const stories = storiesOf(feed);
      const feedRights = textOf(kid(root, ATOM, 'rights'));
      for (const s of stories) expect(feedRights).toContain(s.copyrightNotice);
      expect(kids(root, ATOM, 'link').some((l) => l.attrs['rel'] === 'license' && l.attrs['href'] === LICENSE_URL)).toBe(true);
      expect(kids(root, ATOM, 'link').some((l) => l.attrs['rel'] === 'self')).toBe(true);
      expect(textOf(kid(root, ATOM, 'id'))).toMatch(/^https:\/\//);

      const entries = kids(root, ATOM, 'entry');
      expect(entries).toHaveLength(stories.length);
      entries.forEach((entry, i) => {
        const s = stories[i]!;
        const canonical = `${BASE}/articles/${s.slug}`;
        const rights = textOf(kid(entry, ATOM, 'rights'));
        expect(rights).toContain(s.copyrightNotice);
        expect(rights).toContain(s.usageTerms);
        const author = kid(entry, ATOM, 'author');
        expect(textOf(kid(author, ATOM, 'name'))).toBe(s.source);
        const links = kids(entry, ATOM, 'link');
        expect(links.some((l) => l.attrs['rel'] === 'license' && l.attrs['href'] === LICENSE_URL)).toBe(true);
        expect(links.some((l) => (l.attrs['rel'] ?? 'alternate') === 'alternate' && l.attrs['href'] === canonical)).toBe(true);
        expect(textOf(kid(entry, ATOM, 'id'))).toBe(canonical);
        expect(kids(entry, ATOM, 'content'), 'no full text in a public entry').toEqual([]);
        const all = `${textOf(entry)} ${unescapeMarkup(textOf(entry))}`;
        for (const p of laterParagraphs(s)) expect(all).not.toContain(p);
        expect(all).not.toContain(LATE);
        expect(all).not.toContain(LAB_LATE);
      });
    });
  }

  it('feedsmith reads entries and rights from /feeds/world/atom.xml', async () => {
    const { text } = await fetchText('/feeds/world/atom.xml');
    const feed = parseAtomFeed(text);
    const s = gw.data.catalog.stories.get(SLUG)!;
    expect(feed.rights?.value).toContain(s.copyrightNotice);
    expect(feed.links?.some((l) => l.rel === 'license' && l.href === LICENSE_URL)).toBe(true);
    expect(feed.entries).toHaveLength(1);
    const entry = feed.entries![0]!;
    expect(entry.title?.value).toBe(s.headline);
    expect(entry.rights?.value).toContain(s.copyrightNotice);
    expect(entry.rights?.value).toContain(s.usageTerms);
    expect(entry.authors?.map((a) => a.name)).toEqual([s.source]);
    expect(entry.links?.some((l) => l.rel === 'license' && l.href === LICENSE_URL)).toBe(true);
    expect(entry.content).toBeUndefined();
    expect(entry.summary?.value).toContain(s.body[0]!);
    expect(entry.summary?.value).not.toContain(LATE);
  });
});

describe('JSON Feed 1.1 attribution (SPEC §6)', () => {
  interface JsonFeedDoc {
    version: string;
    authors?: { name?: string }[];
    _rights?: Record<string, unknown>;
    items: {
      id: string;
      url?: string;
      title?: string;
      authors?: { name?: string }[];
      _rights?: Record<string, unknown>;
      content_html?: string;
      content_text?: string;
    }[];
  }

  for (const feed of ['world', 'lab']) {
    it(`/feeds/${feed}/feed.json: version 1.1, authors, _rights on feed and items`, async () => {
      const { text } = await fetchText(`/feeds/${feed}/feed.json`);
      const doc = JSON.parse(text) as JsonFeedDoc;
      const stories = storiesOf(feed);
      expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
      expect(doc.authors?.length).toBeGreaterThan(0);
      expect(doc._rights).toBeTypeOf('object');
      const feedRights = Object.values(doc._rights ?? {}).join(' ');
      expect(feedRights).toContain(LICENSE_URL);
      for (const s of stories) expect(feedRights).toContain(s.copyrightNotice);

      expect(doc.items).toHaveLength(stories.length);
      doc.items.forEach((item, i) => {
        const s = stories[i]!;
        const canonical = `${BASE}/articles/${s.slug}`;
        expect(item.url).toBe(canonical);
        expect(item.authors?.map((a) => a.name)).toEqual([s.source]);
        expect(item._rights).toBeTypeOf('object');
        const rights = Object.values(item._rights ?? {})
          .filter((v) => typeof v === 'string')
          .join('\n');
        for (const field of [s.source, s.rightsHolder, s.copyrightNotice, s.usageTerms, canonical, LICENSE_URL]) expect(rights).toContain(field);
        const all = `${item.content_html ?? ''}\n${unescapeMarkup(item.content_html ?? '')}\n${item.content_text ?? ''}`;
        for (const p of laterParagraphs(s)) expect(all).not.toContain(p);
        expect(all).not.toContain(LATE);
        expect(all).not.toContain(LAB_LATE);
      });
    });
  }

  it('feedsmith reads items from /feeds/world/feed.json', async () => {
    const { text } = await fetchText('/feeds/world/feed.json');
    const feed = parseJsonFeed(text);
    const s = gw.data.catalog.stories.get(SLUG)!;
    expect(feed.title).toBe('World');
    expect(feed.authors?.length).toBeGreaterThan(0);
    expect(feed.items).toHaveLength(1);
    const item = feed.items![0]!;
    expect(item.title).toBe(s.headline);
    expect(item.url).toBe(`${BASE}/articles/${SLUG}`);
    expect(item.authors?.map((a) => a.name)).toEqual([s.source]);
    expect(item.content_html).toContain(s.body[0]!);
    expect(item.content_text).toContain(s.body[0]!);
    expect(`${item.content_html}${item.content_text}`).not.toContain(LATE);
  });
});

describe('every item names its rights holder (SPEC §6), even when the notice does not', () => {
  // The holder story's source ("Lab Wire Service") and notice ("Copyright 2019 Lab Media") differ from its
  // rights holder ("Lab Media Holdings Ltd"): the holder must still be named in each item.
  it('RSS item', async () => {
    const rss = parseXml((await fetchText('/feeds/lab/rss.xml')).text, 'rss');
    const item = kids(kid(rss, '', 'channel'), '', 'item').find((i) => textOf(kid(i, '', 'link')).endsWith(HOLDER_SLUG))!;
    expect(unescapeMarkup(textOf(item))).toContain(holderStory.rightsHolder);
  });

  it('Atom entry', async () => {
    const atom = parseXml((await fetchText('/feeds/lab/atom.xml')).text, 'atom');
    const entry = kids(atom, ATOM, 'entry').find((e) => textOf(kid(e, ATOM, 'id')).endsWith(HOLDER_SLUG))!;
    expect(unescapeMarkup(textOf(entry))).toContain(holderStory.rightsHolder);
  });

  it('JSON Feed item', async () => {
    const doc = JSON.parse((await fetchText('/feeds/lab/feed.json')).text) as { items: { url: string }[] };
    const item = doc.items.find((i) => i.url.endsWith(HOLDER_SLUG));
    expect(JSON.stringify(item)).toContain(holderStory.rightsHolder);
  });
});

describe('determinism (STYLE: same input, same bytes; no "now")', () => {
  const paths = ['world', 'lab'].flatMap((f) => FORMATS.map((x) => `/feeds/${f}/${x}`));

  it.each(paths)('%s: two requests, identical bytes and validators', async (path) => {
    const a = await fetchText(path);
    const b = await fetchText(path);
    expect(b.bytes).toEqual(a.bytes);
    expect(b.res.headers.get('etag')).toBe(a.res.headers.get('etag'));
    expect(b.res.headers.get('last-modified')).toBe(a.res.headers.get('last-modified'));
  });

  it.each(paths)('%s: a fresh gateway at another time gives the same bytes', async (path) => {
    const before = await fetchText(path);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2037-07-07T07:07:07Z'));
    const other = await gateway({ extraFeeds: LAB_FILES });
    const res = await other.request(path);
    const later = new Uint8Array(await res.arrayBuffer());
    vi.useRealTimers();
    expect(later).toEqual(before.bytes);
    expect(res.headers.get('last-modified')).toBe(before.res.headers.get('last-modified'));
  });

  it.each(['world', 'lab'])('/feeds/%s/*: every date in the output is a story date', async (feed) => {
    const stories = storiesOf(feed);
    const allowed = new Set(stories.flatMap((s) => [Date.parse(s.published), Date.parse(s.updated)]));
    const dates: string[] = [];

    const rss = parseXml((await fetchText(`/feeds/${feed}/rss.xml`)).text, 'rss');
    for (const n of descendants(rss)) if (['pubDate', 'lastBuildDate'].includes(n.local)) dates.push(textOf(n));
    const atom = parseXml((await fetchText(`/feeds/${feed}/atom.xml`)).text, 'atom');
    for (const n of descendants(atom)) if (['updated', 'published'].includes(n.local)) dates.push(textOf(n));
    const json = JSON.parse((await fetchText(`/feeds/${feed}/feed.json`)).text) as { items: Record<string, unknown>[] };
    for (const item of json.items) for (const k of ['date_published', 'date_modified']) if (typeof item[k] === 'string') dates.push(item[k]);

    expect(dates.length).toBeGreaterThanOrEqual(stories.length * 4);
    for (const d of dates) expect(allowed.has(Date.parse(d)), `${d} is a story date`).toBe(true);
    for (const file of FORMATS) {
      const lm = (await gw.request(`/feeds/${feed}/${file}`)).headers.get('last-modified')!;
      expect(allowed.has(Date.parse(lm)), `Last-Modified ${lm}`).toBe(true);
    }
  });
});

describe('injection: hostile text stays text', () => {
  const headline = injectionStory.headline;
  const literalChecks = (text: string, label: string) => {
    expect(count(text, ']]>'), `${label}: ]]> twice`).toBe(2);
    expect(text, label).toContain('<script>alert(1)</script>');
    expect(text, label).toContain('&amp;');
    expect(text, label).toContain(' & ');
    expect(text, label).toContain(`"q" 'a'`);
    expect(text, label).toContain('javascript:alert(2)');
    expect(NOT_XML_CHAR.test(text), `${label}: no XML-illegal character survives`).toBe(false);
  };

  it('RSS: title and description are text, no <script> element anywhere', async () => {
    const rss = parseXml((await fetchText('/feeds/lab/rss.xml')).text, 'rss');
    const channel = kid(rss, '', 'channel');
    expect(textOf(kid(channel, '', 'title'))).toBe('Lab ]]> <b>feed</b> &amp; "x"');
    expect(descendants(rss).filter((n) => ['script', 'b', 'i'].includes(n.local.toLowerCase()))).toEqual([]);
    const item = kids(channel, '', 'item').find((i) => textOf(kid(i, '', 'link')).endsWith(INJECTION_SLUG))!;
    const title = textOf(kid(item, '', 'title'));
    literalChecks(title, 'rss title');
    expect(legible(title)).toBe(legible(headline));

    // description is HTML carried as text: its markup must not contain the story's tags or a javascript: link.
    const description = textOf(kid(item, '', 'description'));
    expect(description).not.toMatch(/<script/i);
    expect(description).not.toMatch(/(href|src)\s*=\s*["']?\s*javascript:/i);
    const shown = unescapeMarkup(description);
    expect(count(shown, ']]>')).toBeGreaterThanOrEqual(2);
    expect(shown).toContain('<script>alert(1)</script>');
    expect(shown).toContain('&amp;');
    expect(shown).toContain('javascript:alert(2)');
  });

  it('Atom: title and summary are text, no <script> element anywhere', async () => {
    const atom = parseXml((await fetchText('/feeds/lab/atom.xml')).text, 'atom');
    expect(descendants(atom).filter((n) => ['script', 'b', 'i'].includes(n.local.toLowerCase()))).toEqual([]);
    const entry = kids(atom, ATOM, 'entry').find((e) => textOf(kid(e, ATOM, 'id')).endsWith(INJECTION_SLUG))!;
    const titleNode = kid(entry, ATOM, 'title');
    const title = textOf(titleNode);
    // Atom text constructs default to type="text"; an html title would be decoded once more.
    const titleShown = (titleNode.attrs['type'] ?? 'text') === 'html' ? unescapeMarkup(title) : title;
    literalChecks(titleShown, 'atom title');
    expect(legible(titleShown)).toBe(legible(headline));

    const summaryNode = kid(entry, ATOM, 'summary');
    expect(summaryNode.attrs['type'] ?? 'text').toMatch(/^(text|html)$/);
    const summary = textOf(summaryNode);
    if (summaryNode.attrs['type'] === 'html') {
      expect(summary).not.toMatch(/<script/i);
      expect(summary).not.toMatch(/(href|src)\s*=\s*["']?\s*javascript:/i);
    }
    const shown = summaryNode.attrs['type'] === 'html' ? unescapeMarkup(summary) : summary;
    expect(count(shown, ']]>')).toBeGreaterThanOrEqual(2);
    expect(shown).toContain('<script>alert(1)</script>');
  });

  it('JSON Feed: title is the headline, content_html has no live markup from the story', async () => {
    const doc = JSON.parse((await fetchText('/feeds/lab/feed.json')).text) as {
      title: string;
      items: { url: string; title: string; content_html: string; content_text: string }[];
    };
    const item = doc.items.find((i) => i.url.endsWith(INJECTION_SLUG))!;
    expect(legible(item.title)).toBe(legible(headline));
    expect(item.content_html).not.toMatch(/<script/i);
    expect(item.content_html).not.toMatch(/(href|src)\s*=\s*["']?\s*javascript:/i);
    const shown = unescapeMarkup(item.content_html);
    expect(count(shown, ']]>')).toBeGreaterThanOrEqual(2);
    expect(shown).toContain('<script>alert(1)</script>');
    expect(item.content_text).toContain('<script>alert(1)</script>');
  });

  it('the article page shows the same text escaped', async () => {
    const res = await gw.request(`/articles/${INJECTION_SLUG}`);
    const text = await res.text();
    // The one script element is the JSON-LD block, whose JSON escapes every < so it cannot close early.
    const scripts = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
    expect(scripts.map((m) => m[0].slice(0, m[0].indexOf('>') + 1))).toEqual(['<script type="application/ld+json">']);
    expect(scripts[0]![1]).not.toMatch(/[<>]/);
    expect(JSON.parse(scripts[0]![1]!).headline).toContain('<script>alert(1)</script>');
    expect(text.replace(scripts[0]![0], '')).not.toMatch(/<script/i);
    expect(text).not.toMatch(/(href|src)\s*=\s*["']?\s*javascript:/i);
    expect(unescapeMarkup(text)).toContain('<script>alert(1)</script>');
    expect(text).not.toContain(LAB_LATE);
  });

  // A response labelled charset=utf-8 must be UTF-8 whatever the catalog holds: a lone surrogate
  // must not reach the wire as the WTF-8 bytes ED A0 80 (what workerd's Response does with one).
  it.each([
    `/articles/${INJECTION_SLUG}`,
    `/articles/${INJECTION_SLUG}.txt`,
    `/articles/${INJECTION_SLUG}.json`,
    '/',
    '/feeds/lab/rss.xml',
    '/feeds/lab/atom.xml',
    '/feeds/lab/feed.json',
  ])('%s is valid UTF-8', async (path) => {
    await fetchText(path);
  });

  it('feedsmith reads all three lab feeds', async () => {
    const rss = parseRssFeed((await fetchText('/feeds/lab/rss.xml')).text);
    const atom = parseAtomFeed((await fetchText('/feeds/lab/atom.xml')).text);
    const json = parseJsonFeed((await fetchText('/feeds/lab/feed.json')).text);
    expect(rss.items).toHaveLength(2);
    expect(atom.entries).toHaveLength(2);
    expect(json.items).toHaveLength(2);
    for (const title of [rss.items![0]!.title, atom.entries![0]!.title?.value, json.items![0]!.title]) {
      expect(title).toContain('<script>alert(1)</script>');
      expect(count(title ?? '', ']]>')).toBe(2);
    }
  });
});
