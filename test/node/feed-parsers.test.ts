// The feeds over a real Node HTTP server on loopback, read by rss-parser as a feed reader would.

import type { ServerType } from '@hono/node-server';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Story } from '../../src/catalog/types.ts';
import { startServer } from '../../src/node/server.ts';
import { BINDINGS, gateway, LATE, SLUG } from '../support/gateway.ts';
import { FEED_FILES } from '../../src/routes/table.ts';

const LICENSE_URL = 'https://wire.example/license';
const CANONICAL = `https://wire.example/articles/${SLUG}`;

interface FeedExtra {
  copyright?: string;
  rights?: string | { _?: string };
}
interface ItemExtra {
  rights?: string;
  creator?: string;
  source?: string;
  /** keepArray keeps xml2js's element objects, so the url attribute survives. */
  sourceElements?: { _?: string; $?: { url?: string } }[];
  atomRights?: string | { _?: string };
  atomLinks?: { $?: { rel?: string; href?: string } }[];
  'content:encoded'?: string;
  content?: string;
  summary?: string;
  id?: string;
  /** Set by rss-parser from an Atom entry's <author><name>. */
  author?: string;
}

let server: ServerType;
let base: string;
let story: Story;

beforeAll(async () => {
  const gw = await gateway();
  story = gw.data.catalog.stories.get(SLUG)!;
  const started = await startServer({ store: gw.store, bindings: BINDINGS, port: 0, host: '127.0.0.1' });
  server = started.server;
  base = started.url;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

function textOf(value: string | { _?: string } | undefined): string {
  return typeof value === 'string' ? value : (value?._ ?? '');
}

describe('rss-parser over HTTP', () => {
  it('the server listens on loopback', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('RSS: items, channel copyright, dc:rights, dc:creator, source url', async () => {
    const parser = new Parser<FeedExtra, ItemExtra>({
      customFields: {
        feed: ['copyright'],
        item: [
          ['dc:rights', 'rights'],
          ['dc:creator', 'creator'],
          'source',
          ['source', 'sourceElements', { keepArray: true }],
          ['atom:link', 'atomLinks', { keepArray: true }],
        ],
      },
    });
    const feed = await parser.parseURL(`${base}/feeds/world/rss.xml`);
    expect(feed.title).toBe('World');
    expect(feed.copyright).toContain(story.copyrightNotice);
    expect(feed.items).toHaveLength(1);
    const item = feed.items[0]!;
    expect(item.title).toBe(story.headline);
    expect(item.link).toBe(CANONICAL);
    expect(item.guid).toBe(CANONICAL);
    expect(item.pubDate).toBe(new Date(story.published).toUTCString());
    expect(item.rights).toContain(story.copyrightNotice);
    expect(item.rights).toContain(story.usageTerms);
    expect(item.creator).toBe(story.source);
    expect(item.source).toBe(story.source);
    expect(item.sourceElements).toHaveLength(1);
    expect(item.sourceElements?.[0]?.$?.url).toMatch(/^https:\/\/wire\.example\//);
    expect(item.sourceElements?.[0]?._).toBe(story.source);
    expect(item.atomLinks?.some((l) => l.$?.rel === 'license' && l.$?.href === LICENSE_URL)).toBe(true);
    expect(item['content:encoded']).toBeUndefined();
    expect(item.content).toContain(story.body[0]!);
    expect(JSON.stringify(feed)).not.toContain(LATE);
  });

  it('Atom: entries, feed and entry rights, author, license link', async () => {
    const parser = new Parser<FeedExtra, ItemExtra>({
      customFields: { feed: ['rights'], item: [['rights', 'atomRights'], ['link', 'atomLinks', { keepArray: true }], 'summary', 'id'] },
    });
    const feed = await parser.parseURL(`${base}/feeds/world/atom.xml`);
    expect(feed.title).toBe('World');
    expect(textOf(feed.rights)).toContain(story.copyrightNotice);
    expect(feed.items).toHaveLength(1);
    const item = feed.items[0]!;
    expect(item.title).toBe(story.headline);
    expect(item.link).toBe(CANONICAL);
    expect(item.id).toBe(CANONICAL);
    expect(item.author).toBe(story.source);
    expect(item.pubDate).toBe(new Date(story.published).toISOString());
    expect(textOf(item.atomRights)).toContain(story.copyrightNotice);
    expect(textOf(item.atomRights)).toContain(story.usageTerms);
    expect(item.atomLinks?.some((l) => l.$?.rel === 'license' && l.$?.href === LICENSE_URL)).toBe(true);
    // rss-parser fills `content` from <content> only; the public entry has none, just a summary.
    expect(item.content).toBeUndefined();
    expect(item.summary).toContain(story.body[0]!);
    expect(JSON.stringify(feed)).not.toContain(LATE);
  });

  it('JSON Feed: rss-parser reads XML only, so the JSON Feed is fetched from the same server and checked', async () => {
    const res = await fetch(`${base}/feeds/world/feed.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    expect(res.headers.get('link')).toContain(`<${LICENSE_URL}>; rel="license"`);
    const doc = (await res.json()) as {
      version: string;
      authors: { name: string }[];
      _rights: object;
      items: { title: string; url: string; authors: { name: string }[]; _rights: Record<string, unknown> }[];
    };
    expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
    expect(doc.authors.length).toBeGreaterThan(0);
    expect(doc._rights).toBeTypeOf('object');
    expect(doc.items).toHaveLength(1);
    const item = doc.items[0]!;
    expect(item.title).toBe(story.headline);
    expect(item.url).toBe(CANONICAL);
    expect(item.authors).toEqual([{ name: story.source }]);
    const rights = Object.values(item._rights).join('\n');
    for (const field of [story.source, story.rightsHolder, story.copyrightNotice, story.usageTerms, CANONICAL]) expect(rights).toContain(field);
    expect(JSON.stringify(doc)).not.toContain(LATE);
  });

  it('the wire carries the same headers as app.request: public caching, validators, license link', async () => {
    for (const file of FEED_FILES) {
      const res = await fetch(`${base}/feeds/world/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
      expect(res.headers.get('vary')).toMatch(/authorization/i);
      expect(res.headers.get('etag')).toBeTruthy();
      expect(res.headers.get('last-modified')).toBe(new Date(story.updated).toUTCString());
      expect(res.headers.get('link')).toContain(`<${LICENSE_URL}>; rel="license"`);
      const etag = res.headers.get('etag')!;
      await res.arrayBuffer();
      const again = await fetch(`${base}/feeds/world/${file}`, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
    }
  });
});
